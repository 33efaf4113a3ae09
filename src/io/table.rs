//! A CSV table with named columns found through aliases, and typed cell readers that collect
//! located diagnostics instead of stopping at the first problem.

use std::path::{Path, PathBuf};

use crate::error::{Diagnostic, Diagnostics};
use crate::io::text;

/// A column the loader looks for: its canonical name and the headers accepted for it.
#[derive(Clone, Copy, Debug)]
pub struct ColumnSpec {
    /// Canonical English name, as in the input contract.
    pub name: &'static str,
    /// Other accepted headers (Chinese names, common variants).
    pub aliases: &'static [&'static str],
    /// Whether the file must have this column.
    pub required: bool,
}

/// Index of a [`ColumnSpec`] in the list a table was read with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Col(pub usize);

/// One data row: its line in the file and its fields.
#[derive(Clone, Debug)]
pub struct Row {
    /// Line the record starts on (1-based, after line-ending normalisation).
    pub line: u64,
    /// The fields, trimmed.
    pub record: csv::StringRecord,
}

/// A CSV file whose header has been matched against column specs.
#[derive(Debug)]
pub struct Table {
    /// The file.
    pub path: PathBuf,
    /// Headers as written in the file.
    pub headers: Vec<String>,
    /// For each spec, the field index holding it, if present.
    fields: Vec<Option<usize>>,
    /// Data rows in file order.
    pub rows: Vec<Row>,
    /// For a workbook, the sheet the table was read from.
    pub sheet: Option<String>,
    /// For a workbook, the sheet column (0 = A) of the table's first field.
    pub col_offset: u64,
}

/// Lower-cases a header and drops spaces, underscores, byte-order marks and any unit in
/// brackets, so that `Elderly (人)`, `老年人口（人）` and `elderly` match their aliases.
fn normalise_header(h: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in h.chars() {
        match c {
            '\u{feff}' => {}
            '(' | '（' | '[' | '【' => depth += 1,
            ')' | '）' | ']' | '】' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            c if c.is_whitespace() || c == '_' || c == '-' => {}
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

impl Table {
    /// Reads and decodes `path` and matches its header against `specs`.
    ///
    /// File-level problems (unreadable, bad encoding, empty, header only, wrong delimiter,
    /// missing or duplicated columns) are returned as diagnostics; no rows are read then.
    pub fn read(path: &Path, specs: &[ColumnSpec]) -> Result<Table, Diagnostics> {
        Self::read_with(path, specs, false)
    }

    /// Like [`Table::read`]; with `allow_empty` a file with a header and no rows is valid.
    pub fn read_with(
        path: &Path,
        specs: &[ColumnSpec],
        allow_empty: bool,
    ) -> Result<Table, Diagnostics> {
        let bytes = text::read_file(path).map_err(one)?;
        let decoded = text::decode(path, &bytes).map_err(one)?;
        Self::parse_with(path, &decoded.text, specs, allow_empty)
    }

    /// Parses already decoded LF text; see [`Table::read`].
    pub fn parse(path: &Path, text: &str, specs: &[ColumnSpec]) -> Result<Table, Diagnostics> {
        Self::parse_with(path, text, specs, false)
    }

    fn parse_with(
        path: &Path,
        text: &str,
        specs: &[ColumnSpec],
        allow_empty: bool,
    ) -> Result<Table, Diagnostics> {
        if text.trim().is_empty() {
            return Err(one(Diagnostic::new(
                path,
                1,
                1,
                "文件为空，缺少表头",
                "the file is empty: no header row",
            )));
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let header_record = reader
            .headers()
            .map_err(|e| one(csv_error(path, &e)))?
            .clone();
        let mut lines = LineCounter::default();
        let unclosed = unclosed_quote(text);
        let unclosed_problem = |u: &Unclosed| {
            Diagnostic::new(
                path,
                u.quote_line,
                u.field,
                "引号未闭合：这个字段以引号开头，但直到文件末尾都没有闭合的引号（文件不完整，或少了一个引号）",
                "unclosed quote: this field opens with a quote that nothing closes before the end of the file (the file is cut short, or a quote is missing)",
            )
        };
        if let Some(u) = &unclosed {
            let header_line = header_record
                .position()
                .map_or(1, |p| lines.line_of(text, p.byte()));
            if header_line == u.record_line {
                return Err(one(unclosed_problem(u)));
            }
        }
        // A byte-order mark anywhere but the very start (two files joined, or pasted text)
        // is invisible in every editor and means nothing: it is dropped.
        let headers: Vec<String> = header_record
            .iter()
            .map(|h| h.replace('\u{feff}', "").trim().to_owned())
            .collect();
        let mut problems = Diagnostics::default();
        if headers.len() == 1 {
            for (delim, zh, en) in [(';', "分号", "semicolons"), ('\t', "制表符", "tabs")] {
                if headers[0].contains(delim) {
                    return Err(one(Diagnostic::new(
                        path,
                        1,
                        1,
                        format!("列之间用的是{zh}而不是逗号；请另存为逗号分隔的 CSV"),
                        format!(
                            "columns are separated by {en}, not commas; save the file as comma-separated CSV"
                        ),
                    )));
                }
            }
        }
        let normalised: Vec<String> = headers.iter().map(|h| normalise_header(h)).collect();
        let fields = match_headers(path, &headers, &normalised, specs, 1, &mut problems);
        let mut rows = Vec::new();
        let mut record = csv::StringRecord::new();
        // The last line, when the file does not end with a line break.
        let cut_short_line = (!text.ends_with('\n'))
            .then(|| text.bytes().filter(|b| *b == b'\n').count() as u64 + 1);
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    let line = record
                        .position()
                        .map_or(0, |p| lines.line_of(text, p.byte()));
                    if let Some(u) = unclosed.as_ref().filter(|u| u.record_line == line) {
                        // The unclosed field runs to the end of the file: this is the last
                        // record, and its fields mean nothing.
                        problems.push(unclosed_problem(u));
                        break;
                    }
                    if record.iter().any(|f| f.contains('\u{feff}')) {
                        record = record
                            .iter()
                            .map(|f| f.replace('\u{feff}', "").trim().to_owned())
                            .collect();
                    }
                    if record.iter().all(str::is_empty) {
                        continue;
                    }
                    // The first field decides cheaply; the whole row is compared only then.
                    if record.len() == headers.len()
                        && normalised.iter().any(|h| !h.is_empty())
                        && record
                            .get(0)
                            .is_some_and(|f| normalise_header(f) == normalised[0])
                        && record
                            .iter()
                            .map(normalise_header)
                            .eq(normalised.iter().cloned())
                    {
                        problems.push(Diagnostic::new(
                            path,
                            line,
                            0,
                            "这一行重复了表头，多半是两个文件拼接而成；请删除这一行",
                            "the header row is repeated here, probably where two files were joined; delete this line",
                        ));
                        continue;
                    }
                    if record.len() != headers.len() {
                        let (hint_zh, hint_en) = if record.iter().any(|f| f.contains('\n')) {
                            (
                                "；其中一个带引号的字段跨越了多行，可能少了一个闭合的引号",
                                "; a quoted field here runs over several lines: a closing quote may be missing",
                            )
                        } else if record.len() < headers.len() && cut_short_line == Some(line) {
                            (
                                "；文件在这一行中途结束，可能不完整",
                                "; the file ends in the middle of this row: it may be cut short",
                            )
                        } else {
                            ("", "")
                        };
                        problems.push(Diagnostic::new(
                            path,
                            line,
                            0,
                            format!(
                                "该行有 {} 个字段，表头有 {} 列{hint_zh}",
                                record.len(),
                                headers.len()
                            ),
                            format!(
                                "the row has {} fields but the header has {} columns{hint_en}",
                                record.len(),
                                headers.len()
                            ),
                        ));
                        continue;
                    }
                    // Every value the loaders read is one line; a line break inside one means
                    // a quote opened here and closed rows later (columns they ignore, such as
                    // notes, may span lines as Excel writes them).
                    if let Some(f) = fields
                        .iter()
                        .flatten()
                        .copied()
                        .filter(|f| record.get(*f).is_some_and(|v| v.contains('\n')))
                        .min()
                    {
                        let last = line
                            + record
                                .iter()
                                .map(|v| v.matches('\n').count() as u64)
                                .sum::<u64>();
                        problems.push(Diagnostic::new(
                            path,
                            line,
                            f as u64 + 1,
                            format!("列「{}」的值从第 {line} 行延续到第 {last} 行，多半是这里的引号没有及时闭合", headers[f]),
                            format!("the value of column \"{}\" runs from line {line} to line {last}: a quote opened here is probably not closed in time", headers[f]),
                        ));
                        continue;
                    }
                    rows.push(Row {
                        line,
                        record: record.clone(),
                    });
                }
                Err(e) => {
                    problems.push(csv_error(path, &e));
                    break;
                }
            }
        }
        if rows.is_empty() && problems.is_empty() && !allow_empty {
            problems.push(Diagnostic::new(
                path,
                2,
                1,
                "只有表头，没有数据行",
                "the file has a header but no data rows",
            ));
        }
        if problems.is_empty() {
            Ok(Table {
                path: path.to_path_buf(),
                headers,
                fields,
                rows,
                sheet: None,
                col_offset: 0,
            })
        } else {
            Err(problems)
        }
    }

    /// A table from a sheet's cells as text: `cells[i]` is sheet row `first_row + i` (1-based),
    /// its first value in sheet column `col_offset` (0 = A). The header is the first of the
    /// first ten non-empty rows that holds every required column (title rows, often merged
    /// cells, may stand above it), else the first two adjacent ones that do together (a
    /// two-row header with merged cells); empty rows are skipped.
    pub fn from_sheet(
        path: &Path,
        sheet: &str,
        cells: Vec<Vec<String>>,
        first_row: u64,
        col_offset: u64,
        specs: &[ColumnSpec],
        allow_empty: bool,
    ) -> Result<Table, Diagnostics> {
        let locate = |mut d: Diagnostic| {
            if d.column > 0 {
                d.column += col_offset;
            }
            d.in_sheet(Some(sheet))
        };
        let non_empty: Vec<usize> = (0..cells.len())
            .filter(|&i| cells[i].iter().any(|c| !c.is_empty()))
            .collect();
        let Some(&first) = non_empty.first() else {
            return Err(one(locate(Diagnostic::new(
                path,
                0,
                0,
                "工作表为空，缺少表头",
                "the sheet is empty: no header row",
            ))));
        };
        // A header is one row, or two rows read as one where cells merged down (a vertical
        // merge keeps its text in the top cell only) or grouped across (a merged group title
        // above its columns): the lower row's text where it has some, else the upper's.
        let header_of = |top: usize, bottom: usize| -> (Vec<String>, Vec<String>) {
            let width = cells[top].len().max(cells[bottom].len());
            let h: Vec<String> = (0..width)
                .map(|c| {
                    let lower = cells[bottom].get(c).map_or("", String::as_str);
                    let upper = cells[top].get(c).map_or("", String::as_str);
                    let cell = if lower.trim().is_empty() {
                        upper
                    } else {
                        lower
                    };
                    cell.replace('\u{feff}', "").trim().to_owned()
                })
                .collect();
            let n = h.iter().map(|h| normalise_header(h)).collect();
            (h, n)
        };
        let complete = |(h, n): &(Vec<String>, Vec<String>)| {
            let mut scratch = Diagnostics::default();
            match_headers(path, h, n, specs, 0, &mut scratch);
            scratch.is_empty()
        };
        let leading: Vec<usize> = non_empty.iter().take(10).copied().collect();
        let (header_top, header_at) = leading
            .iter()
            .map(|&i| (i, i))
            .find(|&(i, _)| complete(&header_of(i, i)))
            .or_else(|| {
                leading
                    .windows(2)
                    .map(|w| (w[0], w[1]))
                    .find(|&(top, bottom)| complete(&header_of(top, bottom)))
            })
            .unwrap_or((first, first));
        let (headers, normalised) = header_of(header_top, header_at);
        let header_line = first_row + header_top as u64;
        let mut problems = Diagnostics::default();
        let fields = match_headers(
            path,
            &headers,
            &normalised,
            specs,
            header_line,
            &mut problems,
        );
        let mut rows = Vec::new();
        for (i, row) in cells.iter().enumerate().skip(header_at + 1) {
            if row.iter().all(String::is_empty) {
                continue;
            }
            rows.push(Row {
                line: first_row + i as u64,
                record: row.iter().map(|c| c.trim()).collect(),
            });
        }
        if rows.is_empty() && problems.is_empty() && !allow_empty {
            problems.push(Diagnostic::new(
                path,
                header_line + 1,
                0,
                "只有表头，没有数据行",
                "the sheet has a header but no data rows",
            ));
        }
        if problems.is_empty() {
            Ok(Table {
                path: path.to_path_buf(),
                headers,
                fields,
                rows,
                sheet: Some(sheet.to_owned()),
                col_offset,
            })
        } else {
            Err(Diagnostics(problems.0.into_iter().map(locate).collect()))
        }
    }

    /// Whether the file has the column.
    pub fn has(&self, col: Col) -> bool {
        self.fields[col.0].is_some()
    }

    /// The column a diagnostic names for `col`: the field number (1 = first) in a CSV file,
    /// the sheet column (1 = A) in a workbook; 0 when the column is absent.
    pub fn column_of(&self, col: Col) -> u64 {
        self.fields[col.0].map_or(0, |f| f as u64 + 1 + self.col_offset)
    }

    /// The non-empty cells of column `col` (a spec index), in row order, as written; none
    /// where the column is absent.
    pub fn column(&self, col: Col) -> impl Iterator<Item = &str> {
        let f = self.fields.get(col.0).copied().flatten();
        self.rows
            .iter()
            .filter_map(move |row| f.and_then(|f| row.record.get(f)).filter(|s| !s.is_empty()))
    }

    /// Starts reading cells, collecting problems into `out`.
    pub fn cells<'t>(&'t self, out: &'t mut Diagnostics) -> Cells<'t> {
        Cells {
            table: self,
            out,
            full_width: Vec::new(),
        }
    }
}

/// Matches `headers` (and their normalised forms) against `specs`: for each spec the field
/// holding it; duplicated and missing required columns are reported at `header_line`.
fn match_headers(
    path: &Path,
    headers: &[String],
    normalised: &[String],
    specs: &[ColumnSpec],
    header_line: u64,
    problems: &mut Diagnostics,
) -> Vec<Option<usize>> {
    let mut fields = Vec::with_capacity(specs.len());
    for spec in specs {
        let matches: Vec<usize> = normalised
            .iter()
            .enumerate()
            .filter(|(_, h)| {
                **h == normalise_header(spec.name)
                    || spec.aliases.iter().any(|a| **h == normalise_header(a))
            })
            .map(|(i, _)| i)
            .collect();
        if matches.len() > 1 {
            let names: Vec<String> = matches
                .iter()
                .map(|&i| format!("「{}」", headers[i]))
                .collect();
            problems.push(Diagnostic::new(
                path,
                header_line,
                matches[1] as u64 + 1,
                format!("列「{}」出现了多次：{}", spec.name, names.join("、")),
                format!(
                    "column \"{}\" appears more than once: {}",
                    spec.name,
                    names.join(", ")
                ),
            ));
        }
        if matches.is_empty() && spec.required {
            problems.push(Diagnostic::new(
                path,
                header_line,
                0,
                format!(
                    "缺少必需的列「{}」（也可写作：{}）",
                    spec.name,
                    spec.aliases.join("、")
                ),
                format!(
                    "missing required column \"{}\" (also accepted: {})",
                    spec.name,
                    spec.aliases.join(", ")
                ),
            ));
        }
        fields.push(matches.first().copied());
    }
    fields
}

/// Finds the line a record starts on from its byte offset. The csv crate's own line counter
/// is off after blank lines, so newlines are counted here, skipping the blank lines before the
/// record; offsets only grow, so the count is incremental.
#[derive(Default)]
struct LineCounter {
    byte: usize,
    newlines: u64,
}

impl LineCounter {
    fn line_of(&mut self, text: &str, byte: u64) -> u64 {
        let byte = (byte as usize).clamp(self.byte, text.len());
        self.newlines += text.as_bytes()[self.byte..byte]
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u64;
        self.byte = byte;
        let blank = text.as_bytes()[byte..]
            .iter()
            .take_while(|b| **b == b'\n')
            .count() as u64;
        self.newlines + blank + 1
    }
}

/// A quoted field that no quote closes: the line its record starts on, the line of the quote
/// and the field's number in the record.
struct Unclosed {
    record_line: u64,
    quote_line: u64,
    field: u64,
}

/// Finds a quoted field left open at the end of LF `text`, by the csv crate's rules: a quote
/// opens a field only as its first character, and `""` inside a quoted field is a literal
/// quote.
fn unclosed_quote(text: &str) -> Option<Unclosed> {
    #[derive(PartialEq)]
    enum State {
        FieldStart,
        Plain,
        Quoted,
        QuoteInQuoted,
    }
    let mut state = State::FieldStart;
    let (mut line, mut record_line, mut field) = (1u64, 1u64, 1u64);
    let mut open = None;
    for b in text.bytes() {
        match (&state, b) {
            (State::Quoted, b'"') => state = State::QuoteInQuoted,
            (State::Quoted, b'\n') => line += 1,
            (State::Quoted, _) => {}
            (State::QuoteInQuoted, b'"') => state = State::Quoted,
            (State::FieldStart, b'"') => {
                open = Some((record_line, line, field));
                state = State::Quoted;
            }
            (_, b',') => {
                field += 1;
                state = State::FieldStart;
            }
            (_, b'\n') => {
                line += 1;
                record_line = line;
                field = 1;
                state = State::FieldStart;
            }
            _ => state = State::Plain,
        }
    }
    match (state, open) {
        (State::Quoted, Some((record_line, quote_line, field))) => Some(Unclosed {
            record_line,
            quote_line,
            field,
        }),
        _ => None,
    }
}

fn one(d: Diagnostic) -> Diagnostics {
    Diagnostics(vec![d])
}

fn csv_error(path: &Path, e: &csv::Error) -> Diagnostic {
    let line = e.position().map_or(0, |p| p.line());
    Diagnostic::new(
        path,
        line,
        0,
        format!("CSV 格式错误：{e}"),
        format!("malformed CSV: {e}"),
    )
}

/// Typed reading of cells; every problem becomes a located diagnostic and a `None`.
pub struct Cells<'t> {
    table: &'t Table,
    out: &'t mut Diagnostics,
    full_width: Vec<FullWidth>,
}

/// The first full-width number of a column and how many there were.
struct FullWidth {
    col: Col,
    line: u64,
    cell: String,
    value: f64,
    count: u64,
}

impl Cells<'_> {
    /// Records a problem at a cell of the table.
    pub fn report(&mut self, row: &Row, col: Col, zh: String, en: String) {
        let column = self.table.column_of(col);
        self.out.push(
            Diagnostic::new(&self.table.path, row.line, column, zh, en)
                .in_sheet(self.table.sheet.as_deref()),
        );
    }

    /// Records a problem at a cell of the table into `into` instead of the collected list
    /// (for problems decided later).
    pub fn report_into(&self, into: &mut Diagnostics, row: &Row, col: Col, zh: String, en: String) {
        into.push(
            Diagnostic::new(
                &self.table.path,
                row.line,
                self.table.column_of(col),
                zh,
                en,
            )
            .in_sheet(self.table.sheet.as_deref()),
        );
    }

    /// The header of a column as the file writes it (the canonical name if absent).
    pub fn header(&self, col: Col, spec: &ColumnSpec) -> String {
        self.table.fields[col.0]
            .map_or_else(|| spec.name.to_owned(), |f| self.table.headers[f].clone())
    }

    /// The raw cell, `None` when the column is absent or the cell is empty.
    pub fn raw<'r>(&self, row: &'r Row, col: Col) -> Option<&'r str> {
        let f = self.table.fields[col.0]?;
        row.record.get(f).filter(|s| !s.is_empty())
    }

    /// A required text cell.
    pub fn text(&mut self, row: &Row, col: Col, spec: &ColumnSpec) -> Option<String> {
        match self.raw(row, col) {
            Some(s) => Some(s.to_owned()),
            None => {
                self.empty(row, col, spec);
                None
            }
        }
    }

    /// Reports an empty required cell.
    pub fn empty(&mut self, row: &Row, col: Col, spec: &ColumnSpec) {
        let h = self.header(col, spec);
        self.report(
            row,
            col,
            format!("必填列「{h}」为空"),
            format!("empty cell in required column \"{h}\""),
        );
    }

    /// A finite number; `required` decides whether an empty cell is a problem.
    pub fn number(
        &mut self,
        row: &Row,
        col: Col,
        spec: &ColumnSpec,
        required: bool,
    ) -> Option<f64> {
        let Some(s) = self.raw(row, col) else {
            if required {
                self.empty(row, col, spec);
            }
            return None;
        };
        match crate::io::number::parse_number(s) {
            Ok(n) => {
                if n.full_width {
                    self.full_width_note(row, col, s, n.value);
                }
                Some(n.value)
            }
            Err(problem) => {
                let h = self.header(col, spec);
                let (zh, en) = problem.messages(&h, s);
                self.report(row, col, zh, en);
                None
            }
        }
    }

    /// Remembers a full-width number read as ASCII; one note per column is made of them.
    fn full_width_note(&mut self, row: &Row, col: Col, cell: &str, value: f64) {
        match self.full_width.iter_mut().find(|f| f.col == col) {
            Some(f) => f.count += 1,
            None => self.full_width.push(FullWidth {
                col,
                line: row.line,
                cell: cell.to_owned(),
                value,
                count: 1,
            }),
        }
    }

    /// Notes on what was read differently from how it was typed (full-width digits read as
    /// ASCII), one per column, at the first such cell.
    pub fn into_notes(self) -> Diagnostics {
        let mut notes = Diagnostics::default();
        for f in self.full_width {
            let field = self.table.fields[f.col.0];
            let header = field.map_or("", |i| self.table.headers[i].as_str());
            let more = f.count - 1;
            let (more_zh, more_en) = if more > 0 {
                (
                    format!("，本列另有 {more} 个这样的单元格"),
                    format!("; {more} more such cell(s) in this column"),
                )
            } else {
                (String::new(), String::new())
            };
            notes.push(
                Diagnostic::new(
                &self.table.path,
                f.line,
                self.table.column_of(f.col),
                format!(
                    "注意：「{header}」中的全角字符「{}」按半角读作 {}{more_zh}",
                    f.cell, f.value
                ),
                format!(
                    "note: full-width characters in column \"{header}\", \"{}\", read as {}{more_en}",
                    f.cell, f.value
                ),
                )
                .in_sheet(self.table.sheet.as_deref()),
            );
        }
        notes
    }

    /// A non-negative whole count (people, beds, places).
    pub fn count(&mut self, row: &Row, col: Col, spec: &ColumnSpec, required: bool) -> Option<u32> {
        let v = self.number(row, col, spec, required)?;
        let h = self.header(col, spec);
        let s = self.raw(row, col).unwrap_or_default().to_owned();
        if v < 0.0 {
            self.report(
                row,
                col,
                format!("「{h}」不能为负数：{s}"),
                format!("column \"{h}\" must not be negative: {s}"),
            );
            None
        } else if v > f64::from(u32::MAX) {
            self.report(
                row,
                col,
                format!("「{h}」应为 0 到 {} 之间的整数：{s}", u32::MAX),
                format!(
                    "column \"{h}\" must be a whole number from 0 to {}: {s}",
                    u32::MAX
                ),
            );
            None
        } else if v.fract() != 0.0 {
            self.report(
                row,
                col,
                format!("「{h}」应为整数：{s}"),
                format!("column \"{h}\" must be a whole number: {s}"),
            );
            None
        } else {
            Some(v as u32)
        }
    }

    /// A yes/no cell: `true/false`, `yes/no`, `1/0`, `是/否`, `公办/民办`; empty is `None`.
    pub fn flag(&mut self, row: &Row, col: Col, spec: &ColumnSpec) -> Option<bool> {
        let s = self.raw(row, col)?;
        match s.to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "1" | "是" | "公办" | "公益性" | "公益" => Some(true),
            "false" | "no" | "n" | "0" | "否" | "民办" | "非公益" => Some(false),
            _ => {
                let h = self.header(col, spec);
                self.report(
                    row,
                    col,
                    format!("「{h}」应为 是/否：「{s}」"),
                    format!("column \"{h}\" must be true or false: \"{s}\""),
                );
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: &[ColumnSpec] = &[
        ColumnSpec {
            name: "id",
            aliases: &["编号"],
            required: true,
        },
        ColumnSpec {
            name: "elderly",
            aliases: &["老年人口"],
            required: true,
        },
    ];

    #[test]
    fn headers_match_aliases_with_units_and_any_order() {
        let t = Table::parse(
            Path::new("v.csv"),
            "老年人口（人）,备注,编号\n5,x,A\n",
            SPECS,
        )
        .expect("valid");
        let mut out = Diagnostics::default();
        let mut c = t.cells(&mut out);
        assert_eq!(c.raw(&t.rows[0], Col(0)), Some("A"));
        assert_eq!(c.count(&t.rows[0], Col(1), &SPECS[1], true), Some(5));
        assert!(out.is_empty());
    }

    fn problems(text: &str) -> Vec<String> {
        match Table::parse(Path::new("v.csv"), text, SPECS) {
            Ok(_) => Vec::new(),
            Err(d) => {
                d.0.iter()
                    .map(|d| format!("{}:{}: {}", d.line, d.column, d.en))
                    .collect()
            }
        }
    }

    #[test]
    fn an_unclosed_quote_is_found_where_it_opens() {
        assert_eq!(
            unclosed_quote("id,elderly\nA,\"1\nB,2\n").map(|u| (
                u.record_line,
                u.quote_line,
                u.field
            )),
            Some((2, 2, 2))
        );
        // Quotes inside a plain field are text; doubled quotes inside a quoted one too.
        assert!(unclosed_quote("id,name\nA,5\"\nB,\"x\"\"y\"\n").is_none());
        assert!(unclosed_quote("\"a\nb\",c\n").is_none());
        assert_eq!(
            problems("id,elderly\nA,1\nB,\"2\n"),
            [
                "3:2: unclosed quote: this field opens with a quote that nothing closes before the end of the file (the file is cut short, or a quote is missing)"
            ]
        );
    }

    #[test]
    fn a_quote_closed_rows_later_is_reported_at_its_row() {
        assert_eq!(
            problems("id,elderly\nA,\"1\nB,2\nC,\"3\n"),
            [
                "2:2: the value of column \"elderly\" runs from line 2 to line 4: a quote opened here is probably not closed in time"
            ]
        );
        // An ignored column (notes) may hold line breaks, as Excel writes them.
        assert!(problems("id,elderly,备注\nA,1,\"第一行\n第二行\"\n").is_empty());
    }

    #[test]
    fn a_repeated_header_and_stray_byte_order_marks() {
        assert_eq!(
            problems("id,elderly\nA,1\n\u{feff}id,elderly\nB,2\n"),
            [
                "3:0: the header row is repeated here, probably where two files were joined; delete this line"
            ]
        );
        let t = Table::parse(
            Path::new("v.csv"),
            "id,\u{feff}elderly\n\u{feff}A,1\n",
            SPECS,
        )
        .expect("valid");
        assert_eq!(&t.rows[0].record[0], "A");
    }

    #[test]
    fn counts_out_of_range_say_so() {
        let t =
            Table::parse(Path::new("v.csv"), "id,elderly\nA,1e308\nB,2.5\n", SPECS).expect("valid");
        let mut out = Diagnostics::default();
        let mut c = t.cells(&mut out);
        assert_eq!(c.count(&t.rows[0], Col(1), &SPECS[1], true), None);
        assert_eq!(c.count(&t.rows[1], Col(1), &SPECS[1], true), None);
        assert_eq!(
            out.0[0].en,
            "column \"elderly\" must be a whole number from 0 to 4294967295: 1e308"
        );
        assert_eq!(
            out.0[1].en,
            "column \"elderly\" must be a whole number: 2.5"
        );
    }

    #[test]
    fn line_numbers_count_from_the_header() {
        let t = Table::parse(Path::new("v.csv"), "id,elderly\nA,1\n\nB,2\n", SPECS).expect("valid");
        assert_eq!(
            t.rows.iter().map(|r| r.line).collect::<Vec<_>>(),
            vec![2, 4]
        );
    }
}
