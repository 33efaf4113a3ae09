//! The one number reader for every table cell: a number means exactly what the cell shows.
//!
//! Accepted: an optional sign, digits, an optional decimal point and fraction, an optional
//! exponent (`1.5e3`), and commas only as well-formed thousands separators in the integer part
//! (`1,234`, `12,345,678.5`). Full-width digits and signs (`１２３`, `．`, `，`, `－`), as typed
//! with a Chinese input method, are read as their ASCII counterparts and the reading says so.
//!
//! Rejected, with the cause named: a comma anywhere else (`1,5` may be 1.5 written with a
//! decimal comma or 15 with a stray comma; `100,80` may be two numbers), the ideographic full
//! stop `。` or enumeration comma `、`, a percent sign, units or other text, and values that
//! are not finite (`inf`, `NaN`, `1e999`).

/// A number as read from a cell.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Number {
    /// The value.
    pub value: f64,
    /// Whether full-width characters were read as ASCII to get it.
    pub full_width: bool,
}

/// Why a cell is not a number, with the message in Chinese and English.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NumberProblem {
    /// A comma that is not a thousands separator.
    Comma,
    /// A character used as a decimal point or separator that is ambiguous (`。`, `、`).
    Punctuation(char),
    /// A percent sign: shares are written as fractions or whole numbers without it.
    Percent,
    /// Not a number at all (text, units, an empty-looking cell).
    NotANumber,
    /// Infinite or NaN.
    NotFinite,
}

impl NumberProblem {
    /// The message in Chinese and English for the cell `cell` of column `header`.
    pub fn messages(&self, header: &str, cell: &str) -> (String, String) {
        match self {
            Self::Comma => (
                format!(
                    "「{header}」中的逗号位置不对：「{cell}」；逗号只能作千位分隔（如 1,234 或 12,345,678），小数请用小数点（1.5），请改正这个单元格"
                ),
                format!(
                    "column \"{header}\": misplaced comma in \"{cell}\"; a comma may only separate thousands (1,234 or 12,345,678) and a decimal needs a point (1.5): fix the cell"
                ),
            ),
            Self::Punctuation(c) => (
                format!(
                    "「{header}」中含有中文标点「{c}」：「{cell}」；小数请用小数点「.」，一个单元格只能填一个数"
                ),
                format!(
                    "column \"{header}\": Chinese punctuation \"{c}\" in \"{cell}\"; write decimals with a point \".\" and one number per cell"
                ),
            ),
            Self::Percent => (
                format!("「{header}」不能带百分号：「{cell}」；请填写不带 % 的数"),
                format!(
                    "column \"{header}\": no percent sign allowed in \"{cell}\"; write the number without %"
                ),
            ),
            Self::NotANumber => (
                format!("「{header}」不是数字：「{cell}」"),
                format!("column \"{header}\" is not a number: \"{cell}\""),
            ),
            Self::NotFinite => (
                format!("「{header}」不是有限的数：「{cell}」"),
                format!("column \"{header}\" is not a finite number: \"{cell}\""),
            ),
        }
    }
}

/// The ASCII character a full-width (or typographic) character of a number stands for.
fn ascii_of(c: char) -> Option<char> {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
        '．' => Some('.'),
        '，' => Some(','),
        '－' | '−' => Some('-'),
        '＋' => Some('+'),
        'ｅ' => Some('e'),
        'Ｅ' => Some('E'),
        _ => None,
    }
}

/// Whether `s` (ASCII digits and commas, no sign) is a well-formed thousands-grouped integer:
/// one to three digits, then groups of exactly three.
fn grouped_integer(s: &str) -> bool {
    let mut groups = s.split(',');
    let first = groups.next().unwrap_or_default();
    (1..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_digit())
        && groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
}

/// Reads a trimmed, non-empty cell as a number; see the module documentation for the rules.
///
/// # Examples
/// ```
/// use yanglao::io::number::{parse_number, NumberProblem};
/// assert_eq!(parse_number("12,345,678").map(|n| n.value), Ok(12_345_678.0));
/// assert_eq!(parse_number("１２３．５").map(|n| (n.value, n.full_width)), Ok((123.5, true)));
/// assert_eq!(parse_number("1,5"), Err(NumberProblem::Comma));
/// ```
pub fn parse_number(cell: &str) -> Result<Number, NumberProblem> {
    let cell = cell.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}');
    let mut full_width = false;
    let mut ascii = String::with_capacity(cell.len());
    for c in cell.chars() {
        if c.is_ascii() {
            ascii.push(c);
        } else if let Some(a) = ascii_of(c) {
            full_width = true;
            ascii.push(a);
        } else {
            return Err(match c {
                '。' | '、' | '､' | '｡' => NumberProblem::Punctuation(c),
                '％' => NumberProblem::Percent,
                _ => NumberProblem::NotANumber,
            });
        }
    }
    if ascii.contains('%') {
        return Err(NumberProblem::Percent);
    }
    let plain = if ascii.contains(',') {
        let unsigned = ascii.strip_prefix(['+', '-']).unwrap_or(&ascii);
        let integer = unsigned.split(['.', 'e', 'E']).next().unwrap_or_default();
        // Commas only in the integer part, and only as thousands groups.
        if !grouped_integer(integer) || unsigned[integer.len()..].contains(',') {
            return Err(NumberProblem::Comma);
        }
        ascii.replace(',', "")
    } else {
        ascii
    };
    let word = plain.trim_start_matches(['+', '-']).to_ascii_lowercase();
    if matches!(word.as_str(), "inf" | "infinity" | "nan") {
        return Err(NumberProblem::NotFinite);
    }
    // Only digits, point, sign and exponent from here: no hex, no words, no spaces.
    if !plain
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'+' | b'-' | b'e' | b'E'))
        || !plain.bytes().any(|b| b.is_ascii_digit())
    {
        return Err(NumberProblem::NotANumber);
    }
    match plain.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Number {
            value: v,
            full_width,
        }),
        Ok(_) => Err(NumberProblem::NotFinite),
        Err(_) => Err(NumberProblem::NotANumber),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(s: &str) -> Result<f64, NumberProblem> {
        parse_number(s).map(|n| n.value)
    }

    #[test]
    fn well_formed_thousands_groups_are_read() {
        assert_eq!(value("1,234"), Ok(1234.0));
        assert_eq!(value("12,345,678"), Ok(12_345_678.0));
        assert_eq!(value("-1,234.5"), Ok(-1234.5));
        assert_eq!(value("+999"), Ok(999.0));
        assert_eq!(value("1234"), Ok(1234.0));
        assert_eq!(value("0.5"), Ok(0.5));
        assert_eq!(value("1.5e3"), Ok(1500.0));
        assert_eq!(value("6.20722E+11"), Ok(620_722_000_000.0));
    }

    #[test]
    fn every_other_comma_is_an_error() {
        for cell in [
            "1,5",
            "100,80",
            "12,34",
            "1234,",
            ",1234",
            "1,2,3,4",
            "1,23",
            "1,2345",
            "1234,567",
            "1,234.5,6",
            "1.234,5",
            "1,234e1,0",
            ",",
            "-,123",
            "1,,234",
        ] {
            assert_eq!(value(cell), Err(NumberProblem::Comma), "{cell}");
        }
    }

    #[test]
    fn full_width_digits_read_as_ascii_with_a_note() {
        assert_eq!(
            parse_number("１２３"),
            Ok(Number {
                value: 123.0,
                full_width: true
            })
        );
        assert_eq!(value("１，２３４．５"), Ok(1234.5));
        assert_eq!(value("－３"), Ok(-3.0));
        assert_eq!(value("\u{3000}４２\u{3000}"), Ok(42.0));
        // Full-width commas obey the same rule as ASCII ones.
        assert_eq!(value("１，５"), Err(NumberProblem::Comma));
        assert!(!parse_number("123").expect("ascii").full_width);
    }

    #[test]
    fn ambiguous_chinese_punctuation_is_named() {
        assert_eq!(value("1。5"), Err(NumberProblem::Punctuation('。')));
        assert_eq!(value("1、5"), Err(NumberProblem::Punctuation('、')));
        assert_eq!(value("55%"), Err(NumberProblem::Percent));
        assert_eq!(value("５５％"), Err(NumberProblem::Percent));
        let (zh, en) = NumberProblem::Punctuation('。').messages("elderly", "1。5");
        assert!(
            zh.contains("「1。5」") && en.contains("\"1。5\""),
            "{zh} {en}"
        );
    }

    #[test]
    fn text_and_non_finite_values_are_not_numbers() {
        for cell in ["abc", "12人", "-", ".", "e5", "0x10", "1 234", "in"] {
            assert_eq!(value(cell), Err(NumberProblem::NotANumber), "{cell}");
        }
        for cell in ["1e999", "inf", "-inf", "NaN", "Infinity"] {
            assert_eq!(value(cell), Err(NumberProblem::NotFinite), "{cell}");
        }
    }
}
