//! Reading `roads.csv`: one road segment per row.
//!
//! Columns (any order, English or Chinese headers, UTF-8 or GBK, like every input table):
//! `from_lon` [起点经度], `from_lat` [起点纬度], `to_lon` [终点经度], `to_lat` [终点纬度] in
//! WGS-84 degrees; optional `speed_kmh` [速度/限速] (the road's own limit, > 0; empty means
//! none) and one-way columns, each `yes|true|1|是|单向` = only from → to, `-1|reverse|反向` =
//! only to → from, `no|false|0|否|双向` or empty = both ways:
//!
//! - `oneway` [单行]: binds vehicles (riding and driving), as OpenStreetMap's `oneway`;
//! - `oneway_foot` [`oneway:foot`, 步行单行]: binds walkers, who otherwise walk both ways;
//! - `oneway_bicycle` [`oneway:bicycle`, 骑行单行]: binds riders instead of `oneway`.
//!
//! Every row is at street level; rows join where their ends lie within 10⁻⁷° (about 1 cm).
//! Every problem of the file is reported at once, each at its line and column.

use std::path::Path;

use crate::error::Diagnostics;
use crate::io::crs::check_position;
use crate::io::table::{Col, ColumnSpec, Table};
use crate::model::LonLat;

use super::TravelError;
use super::network::RoadSegment;

const FROM_LON: Col = Col(0);
const FROM_LAT: Col = Col(1);
const TO_LON: Col = Col(2);
const TO_LAT: Col = Col(3);
const SPEED: Col = Col(4);
const ONEWAY: Col = Col(5);
const ONEWAY_FOOT: Col = Col(6);
const ONEWAY_BICYCLE: Col = Col(7);

const SPECS: &[ColumnSpec] = &[
    ColumnSpec {
        name: "from_lon",
        aliases: &["起点经度", "x1", "lon1"],
        required: true,
    },
    ColumnSpec {
        name: "from_lat",
        aliases: &["起点纬度", "y1", "lat1"],
        required: true,
    },
    ColumnSpec {
        name: "to_lon",
        aliases: &["终点经度", "x2", "lon2"],
        required: true,
    },
    ColumnSpec {
        name: "to_lat",
        aliases: &["终点纬度", "y2", "lat2"],
        required: true,
    },
    ColumnSpec {
        name: "speed_kmh",
        aliases: &["speed", "maxspeed", "速度", "限速", "时速"],
        required: false,
    },
    ColumnSpec {
        name: "oneway",
        aliases: &["one_way", "单行", "单向", "单行道"],
        required: false,
    },
    ColumnSpec {
        name: "oneway_foot",
        aliases: &["oneway:foot", "步行单行"],
        required: false,
    },
    ColumnSpec {
        name: "oneway_bicycle",
        aliases: &["oneway:bicycle", "骑行单行"],
        required: false,
    },
];

/// Which ways a CSV segment may be travelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Direction {
    Both,
    Forward,
    Backward,
}

fn parse_oneway(s: &str) -> Option<Direction> {
    match s.trim().to_ascii_lowercase().as_str() {
        "" | "no" | "n" | "false" | "0" | "否" | "双向" => Some(Direction::Both),
        "yes" | "y" | "true" | "1" | "是" | "单向" | "单行" => Some(Direction::Forward),
        "-1" | "reverse" | "反向" => Some(Direction::Backward),
        _ => None,
    }
}

/// Reads and validates `roads.csv`.
pub(crate) fn read(path: &Path) -> Result<Vec<RoadSegment>, TravelError> {
    let table = Table::read(path, SPECS).map_err(TravelError::Roads)?;
    let mut problems = Diagnostics::default();
    let mut segments = Vec::with_capacity(table.rows.len());
    let mut cells = table.cells(&mut problems);
    for row in &table.rows {
        let mut point = |lon_col: Col, lat_col: Col| {
            let lon = cells.number(row, lon_col, &SPECS[lon_col.0], true);
            let lat = cells.number(row, lat_col, &SPECS[lat_col.0], true);
            let (lon, lat) = (lon?, lat?);
            if let Err(problem) = check_position(lon, lat, false) {
                let raw = |c| cells.raw(row, c).unwrap_or_default().to_owned();
                let (zh, en) = problem.messages(&raw(lon_col), &raw(lat_col));
                cells.report(row, lon_col, zh, en);
                return None;
            }
            Some(LonLat { lon, lat })
        };
        let from = point(FROM_LON, FROM_LAT);
        let to = point(TO_LON, TO_LAT);
        let speed = cells.number(row, SPEED, &SPECS[SPEED.0], false);
        let speed_ok = match speed {
            Some(v) if v <= 0.0 => {
                let h = cells.header(SPEED, &SPECS[SPEED.0]);
                cells.report(
                    row,
                    SPEED,
                    format!("「{h}」应大于 0：{v}"),
                    format!("column \"{h}\" must be greater than 0: {v}"),
                );
                false
            }
            _ => true,
        };
        let mut direction = |col: Col| match cells.raw(row, col) {
            None => Some(None),
            Some(s) => {
                let d = parse_oneway(s);
                if d.is_none() {
                    let h = cells.header(col, &SPECS[col.0]);
                    cells.report(
                        row,
                        col,
                        format!("「{h}」应为 是/否/-1（单向/双向/反向）：「{s}」"),
                        format!("column \"{h}\" must be yes, no or -1 (reverse): \"{s}\""),
                    );
                }
                d.map(Some)
            }
        };
        let vehicles = direction(ONEWAY);
        let foot = direction(ONEWAY_FOOT);
        let bicycle = direction(ONEWAY_BICYCLE);
        let (Some(from), Some(to), Some(vehicles), Some(foot), Some(bicycle), true) =
            (from, to, vehicles, foot, bicycle, speed_ok)
        else {
            continue;
        };
        let vehicles = vehicles.unwrap_or(Direction::Both);
        // Walking, riding, driving: as OpenStreetMap's `oneway`, `oneway:foot`, `oneway:bicycle`.
        let per_profile = [
            foot.unwrap_or(Direction::Both),
            bicycle.unwrap_or(vehicles),
            vehicles,
        ];
        let mut segment = RoadSegment::two_way(from, to, speed.unwrap_or(f64::INFINITY));
        for (p, d) in per_profile.into_iter().enumerate() {
            match d {
                Direction::Both => {}
                Direction::Forward => segment.backward_kmh[p] = 0.0,
                Direction::Backward => segment.forward_kmh[p] = 0.0,
            }
        }
        segments.push(segment);
    }
    if !problems.is_empty() {
        problems.sort();
        return Err(TravelError::Roads(problems));
    }
    Ok(segments)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oneway_values() {
        assert_eq!(parse_oneway("是"), Some(Direction::Forward));
        assert_eq!(parse_oneway("YES"), Some(Direction::Forward));
        assert_eq!(parse_oneway("-1"), Some(Direction::Backward));
        assert_eq!(parse_oneway("0"), Some(Direction::Both));
        assert_eq!(parse_oneway("maybe"), None);
    }
}
