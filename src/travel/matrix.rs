//! A precomputed origin–destination matrix (`od.csv`): travel times a bureau already has,
//! from a routing service or ArcGIS's OD cost matrix.
//!
//! Columns (any order, English or Chinese headers, UTF-8 or GBK, like every input table):
//! `from_id` \[起点编号\] (a village id), `to_id` \[终点编号\] (an existing facility or a candidate
//! id), and `minutes` \[分钟\] or `meters` \[米/距离\] (or both: minutes win). Metres become
//! minutes at the village's area-type speed with no detour (the distance is already along
//! the way). Pairs missing from the file are unreachable. Unknown ids, repeated pairs and
//! negative or non-numeric values are located errors, all reported at once.

use std::collections::HashMap;
use std::path::Path;

use crate::error::Diagnostics;
use crate::io::table::{Col, ColumnSpec, Table};
use crate::model::{Region, SiteIdx, Travel};

use super::reach::{Reach, ReachLists};
use super::{Query, TravelError, TravelModel, minutes_at};

const FROM: Col = Col(0);
const TO: Col = Col(1);
const MINUTES: Col = Col(2);
const METERS: Col = Col(3);

const SPECS: &[ColumnSpec] = &[
    ColumnSpec {
        name: "from_id",
        aliases: &["起点编号", "起点", "origin", "origin_id", "village_id"],
        required: true,
    },
    ColumnSpec {
        name: "to_id",
        aliases: &[
            "终点编号",
            "终点",
            "destination",
            "destination_id",
            "site_id",
        ],
        required: true,
    },
    ColumnSpec {
        name: "minutes",
        aliases: &["分钟", "时间", "time_min", "total_time"],
        required: false,
    },
    ColumnSpec {
        name: "meters",
        aliases: &["米", "距离", "metres", "distance_m", "total_length"],
        required: false,
    },
];

/// Travel times read from an origin–destination file, resolved against a region's ids.
#[derive(Clone, Debug)]
pub struct OdMatrix {
    /// For every village, the sites listed for it with their minutes.
    rows: Vec<Vec<Reach>>,
}

impl OdMatrix {
    /// Reads `path` and resolves its ids against `region`; metres become minutes at the
    /// speed of each village's area type in `travel`.
    pub fn read(path: &Path, region: &Region, travel: &Travel) -> Result<Self, TravelError> {
        Self::read_without(path, region, travel, &|_| false)
    }

    /// [`OdMatrix::read`] for a region some sites were taken out of (excluded candidates and
    /// day-care facilities, [`crate::model::Decisions::apply`]): a row whose `to_id` is not in
    /// `region` but for which `dropped` holds is skipped, not reported; its other cells are
    /// still checked.
    ///
    /// # Errors
    /// As [`OdMatrix::read`].
    pub fn read_without(
        path: &Path,
        region: &Region,
        travel: &Travel,
        dropped: &dyn Fn(&str) -> bool,
    ) -> Result<Self, TravelError> {
        let table = Table::read(path, SPECS).map_err(TravelError::Matrix)?;
        let mut problems = Diagnostics::default();
        if !table.has(MINUTES) && !table.has(METERS) {
            problems.push(crate::error::Diagnostic::new(
                path,
                1,
                0,
                "缺少「minutes」或「meters」列（分钟或米）",
                "missing column \"minutes\" or \"meters\" (one of them is required)",
            ));
            return Err(TravelError::Matrix(problems));
        }
        let villages: HashMap<&str, usize> = region
            .villages
            .iter()
            .enumerate()
            .map(|(i, v)| (v.id.as_str(), i))
            .collect();
        let sites: HashMap<&str, usize> = region
            .facilities
            .iter()
            .map(|f| f.id.as_str())
            .chain(region.candidates.iter().map(|c| c.id.as_str()))
            .enumerate()
            .map(|(i, id)| (id, i))
            .collect();
        let mut rows: Vec<Vec<Reach>> = vec![Vec::new(); region.villages.len()];
        let mut seen: HashMap<(usize, usize), u64> = HashMap::new();
        {
            let mut cells = table.cells(&mut problems);
            for row in &table.rows {
                let from = cells.text(row, FROM, &SPECS[0]);
                let to = cells.text(row, TO, &SPECS[1]);
                let village = from.as_deref().and_then(|id| {
                    let found = villages.get(id).copied();
                    if found.is_none() {
                        cells.report(
                            row,
                            FROM,
                            format!("起点编号「{id}」不是 villages.csv 中的村/社区"),
                            format!("from_id \"{id}\" is not a village in villages.csv"),
                        );
                    }
                    found
                });
                let site = to.as_deref().and_then(|id| {
                    let found = sites.get(id).copied();
                    if found.is_none() && !dropped(id) {
                        cells.report(
                            row,
                            TO,
                            format!("终点编号「{id}」不是 facilities.csv 或 candidates.csv 中的设施或候选点"),
                            format!("to_id \"{id}\" is not a facility or candidate"),
                        );
                    }
                    found
                });
                let minutes = if table.has(MINUTES) && cells.raw(row, MINUTES).is_some() {
                    cells.number(row, MINUTES, &SPECS[2], true)
                } else if table.has(METERS) {
                    cells.number(row, METERS, &SPECS[3], true).map(|m| {
                        village.map_or(f64::NAN, |v| {
                            let mode = match region.villages[v].kind {
                                crate::model::AreaKind::Urban => travel.urban,
                                crate::model::AreaKind::Rural => travel.rural,
                            };
                            minutes_at(m, mode.speed_kmh)
                        })
                    })
                } else {
                    cells.number(row, MINUTES, &SPECS[2], true)
                };
                if let Some(m) = minutes.filter(|m| *m < 0.0) {
                    let col = if table.has(MINUTES) && cells.raw(row, MINUTES).is_some() {
                        MINUTES
                    } else {
                        METERS
                    };
                    cells.report(
                        row,
                        col,
                        format!("行程不能为负数：{m}"),
                        format!("travel time or distance must not be negative: {m}"),
                    );
                    continue;
                }
                let (Some(v), Some(s), Some(m)) = (village, site, minutes) else {
                    continue;
                };
                if let Some(first) = seen.insert((v, s), row.line) {
                    let (a, b) = (from.unwrap_or_default(), to.unwrap_or_default());
                    cells.report(
                        row,
                        FROM,
                        format!("起点「{a}」到终点「{b}」重复，第 {first} 行已给出"),
                        format!(
                            "the pair \"{a}\" → \"{b}\" is repeated; first given on line {first}"
                        ),
                    );
                    continue;
                }
                rows[v].push(Reach {
                    site: SiteIdx(s as u32),
                    minutes: m,
                });
            }
        }
        if !problems.is_empty() {
            problems.sort();
            return Err(TravelError::Matrix(problems));
        }
        Ok(Self { rows })
    }
}

impl TravelModel for OdMatrix {
    fn reach(&self, region: &Region, query: &Query<'_>) -> ReachLists {
        let wanted: Option<Vec<bool>> = query.sites.map(|_| {
            let mut w = vec![false; region.site_count()];
            for s in query.site_list(region.site_count()) {
                w[s.get()] = true;
            }
            w
        });
        let budget = super::PairBudget::of(query);
        let rows = query.exec.map(region.villages.len(), |v| {
            if query.nearest == Some(0) || budget.spent() {
                return Vec::new();
            }
            let row: Vec<Reach> = self
                .rows
                .get(v)
                .map(|row| {
                    row.iter()
                        .filter(|r| r.minutes <= query.max_minutes)
                        .filter(|r| wanted.as_ref().is_none_or(|w| w[r.site.get()]))
                        .copied()
                        .collect()
                })
                .unwrap_or_default();
            if budget.admit(row.len()) {
                row
            } else {
                Vec::new()
            }
        });
        ReachLists::from_rows(query.max_minutes, region.site_count(), rows, query.nearest)
            .with_over_budget(budget.spent())
    }
}
