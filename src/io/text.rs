//! Reading text files the way analysts save them: UTF-8 (with or without BOM), UTF-16 with
//! BOM, or GBK/GB18030 (Excel's default in China); CRLF, CR or LF line endings.

use std::borrow::Cow;
use std::path::Path;

use encoding_rs::{Encoding, GB18030};

use crate::error::Diagnostic;

/// The encoding a file turned out to be in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    /// UTF-8 without a byte-order mark.
    Utf8,
    /// UTF-8 with a byte-order mark.
    Utf8Bom,
    /// UTF-16 (LE or BE) with a byte-order mark.
    Utf16,
    /// GBK / GB18030.
    Gb18030,
}

/// A decoded file: its text with every line ending turned into `\n`.
#[derive(Clone, Debug)]
pub struct Text {
    /// The text, LF line endings only.
    pub text: String,
    /// What it was encoded in.
    pub encoding: TextEncoding,
}

/// Decodes `bytes`, read from `path`, into text with LF line endings.
///
/// UTF-8 is tried first (a GBK file with Chinese in it is almost never valid UTF-8); anything
/// else is read as GB18030, a superset of GBK. Bytes that are valid in neither are an error
/// located at the first bad byte.
pub fn decode(path: &Path, bytes: &[u8]) -> Result<Text, Diagnostic> {
    let (decoded, encoding): (Cow<'_, str>, TextEncoding) =
        if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
            let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
            let kind = if enc == encoding_rs::UTF_8 {
                TextEncoding::Utf8Bom
            } else {
                TextEncoding::Utf16
            };
            if had_errors {
                return Err(invalid_bytes(path, &text, kind));
            }
            (text, kind)
        } else if let Ok(s) = std::str::from_utf8(bytes) {
            (Cow::Borrowed(s), TextEncoding::Utf8)
        } else {
            let (text, had_errors) = GB18030.decode_without_bom_handling(bytes);
            if had_errors {
                return Err(invalid_bytes(path, &text, TextEncoding::Gb18030));
            }
            (text, TextEncoding::Gb18030)
        };
    Ok(Text {
        text: normalise_newlines(&decoded),
        encoding,
    })
}

/// Turns CRLF and lone CR into LF, so that line numbers count the way editors count them.
pub fn normalise_newlines(s: &str) -> String {
    if !s.contains('\r') {
        return s.to_owned();
    }
    s.replace("\r\n", "\n").replace('\r', "\n")
}

/// Locates the first replacement character of a lossy decode and reports it.
fn invalid_bytes(path: &Path, lossy: &str, kind: TextEncoding) -> Diagnostic {
    let text = normalise_newlines(lossy);
    let (line, column) = line_column_of(&text, text.find('\u{FFFD}').unwrap_or(0));
    let (zh, en) = match kind {
        TextEncoding::Gb18030 => (
            "既不是 UTF-8 也不是 GBK 编码，含有无效字节；请另存为 UTF-8 或 GBK 的 CSV",
            "invalid bytes: the file is neither UTF-8 nor GBK; save it as CSV in UTF-8 or GBK",
        ),
        _ => (
            "文件声明的编码中含有无效字节",
            "invalid bytes for the encoding the file's byte-order mark declares",
        ),
    };
    Diagnostic::new(path, line, column, zh, en)
}

/// 1-based line and character column of a byte offset in LF text.
pub fn line_column_of(text: &str, offset: usize) -> (u64, u64) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() as u64 + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() as u64 + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_bytes_decode_to_chinese() {
        let (bytes, _, _) = encoding_rs::GBK.encode("名称,经度\r\n城关镇,100.8\r\n");
        let t = decode(Path::new("x.csv"), &bytes).expect("valid GBK");
        assert_eq!(t.text, "名称,经度\n城关镇,100.8\n");
        assert_eq!(t.encoding, TextEncoding::Gb18030);
    }

    #[test]
    fn utf8_bom_is_stripped() {
        let t = decode(Path::new("x.csv"), "\u{feff}id\n1\n".as_bytes()).expect("valid");
        assert_eq!(t.text, "id\n1\n");
        assert_eq!(t.encoding, TextEncoding::Utf8Bom);
    }

    #[test]
    fn utf16_with_bom_is_read() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "编号\n".encode_utf16() {
            bytes.extend(u.to_le_bytes());
        }
        let t = decode(Path::new("x.csv"), &bytes).expect("valid");
        assert_eq!(t.text, "编号\n");
    }

    #[test]
    fn invalid_gbk_is_located() {
        // Line 2, after "ab": 0x81 0x20 is not a GBK sequence.
        let bytes = b"id,name\nab\x81\x20cd\n";
        let d = decode(Path::new("v.csv"), bytes).expect_err("invalid");
        assert_eq!((d.line, d.column), (2, 3));
    }

    #[test]
    fn lone_cr_counts_as_a_line_end() {
        assert_eq!(normalise_newlines("a\rb\r\nc"), "a\nb\nc");
    }
}
