//! Number formatting shared by every output (CSV, JSON, GeoJSON, Markdown, HTML, workbook):
//! rounding and fixed decimals that never show `-0`.
//!
//! A sum of nothing, a difference of equal floats times -1, or a tiny negative rounded to
//! zero is `-0.0` in IEEE 754, and Rust prints it as `-0` or `-0.0`; no reader of a report
//! should see that.

/// `x` rounded to `digits` decimals, never `-0.0`.
///
/// ```
/// assert_eq!(yanglao::numbers::round(-0.0004, 3).to_string(), "0");
/// assert_eq!(yanglao::numbers::round(2.34567, 2), 2.35);
/// ```
pub fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    // `+ 0.0` turns -0.0 into 0.0 and leaves every other value as it is.
    (x * f).round() / f + 0.0
}

/// `x` with exactly `digits` decimals, never `-0.0`.
///
/// ```
/// assert_eq!(yanglao::numbers::fixed(-0.04, 1), "0.0");
/// assert_eq!(yanglao::numbers::fixed(-0.06, 1), "-0.1");
/// assert_eq!(yanglao::numbers::fixed(1234.5, 0), "1234");
/// ```
pub fn fixed(x: f64, digits: usize) -> String {
    let s = format!("{:.*}", digits, x);
    match s.strip_prefix('-') {
        Some(rest) if rest.bytes().all(|b| b == b'0' || b == b'.') => rest.to_owned(),
        _ => s,
    }
}

/// Money in 万元 kept to 1e-6 (0.01 yuan): sums of prices written with decimals carry
/// round-off (0.1 + 0.2 is 0.30000000000000004), which no output should show.
///
/// ```
/// assert_eq!(yanglao::numbers::round_wan(0.1 + 0.2), 0.3);
/// ```
pub fn round_wan(x: f64) -> f64 {
    round(x, 6)
}

/// Money in 万元 for a sentence: whole amounts without decimals, others to two decimals
/// with trailing zeros dropped (`0.08`, `45.4`), never `-0`.
///
/// ```
/// assert_eq!(yanglao::numbers::wan(55.0), "55");
/// assert_eq!(yanglao::numbers::wan(0.08000000000000002), "0.08");
/// assert_eq!(yanglao::numbers::wan(45.4), "45.4");
/// assert_eq!(yanglao::numbers::wan(-1e-12), "0");
/// ```
pub fn wan(x: f64) -> String {
    let s = fixed(x, 2);
    match s.strip_suffix(".00") {
        Some(whole) => whole.to_owned(),
        None => s.trim_end_matches('0').to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_zero_never_shows() {
        for x in [-0.0, -1e-12, -0.00049] {
            assert_eq!(fixed(x, 3), "0.000");
            assert_eq!(round(x, 3).to_string(), "0");
            assert_eq!(serde_json::json!(round(x, 3)).to_string(), "0.0");
        }
        assert_eq!(fixed(-0.5, 0), "-0".trim_start_matches('-'));
        assert_eq!(fixed(-1.5, 0), "-2");
    }
}
