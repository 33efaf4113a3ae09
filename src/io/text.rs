//! Reading text files the way analysts save them: UTF-8 (with or without BOM), UTF-16 with
//! BOM, or GBK/GB18030 (Excel's default in China); CRLF, CR or LF line endings. And writing
//! CSV outputs so that Excel opens them right ([`CsvEncoding`]).

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
    if let Some((zh, en, ext)) = workbook_kind(bytes) {
        let stem = path.file_stem().map(|s| s.to_string_lossy());
        // Only the three tables may be workbooks; other files must be saved as text.
        let (zh, en) = match stem.as_deref() {
            Some(stem @ ("villages" | "facilities" | "candidates")) => (
                format!(
                    "{zh}；请把文件改名为 {stem}.{ext}（工作簿可直接读取），或在 Excel 中“另存为”CSV"
                ),
                format!(
                    "{en}; rename the file {stem}.{ext} (workbooks are read directly) or in Excel use Save As, CSV"
                ),
            ),
            _ => (
                format!("{zh}；请在 Excel 中“另存为”CSV"),
                format!("{en}; in Excel use Save As, CSV"),
            ),
        };
        return Err(Diagnostic::new(path, 0, 0, zh, en));
    }
    // No text format analysts use has NUL characters; one means a binary file, or UTF-16
    // saved without a byte-order mark, and would otherwise show up as baffling cell values or
    // as invalid GBK somewhere further on.
    if Encoding::for_bom(bytes).is_none()
        && let Some(at) = bytes.iter().position(|b| *b == 0)
    {
        return Err(nul_byte(path, &String::from_utf8_lossy(&bytes[..at])));
    }
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
    if let Some(at) = decoded.find('\0') {
        return Err(nul_byte(path, &decoded[..at]));
    }
    Ok(Text {
        text: normalise_newlines(&decoded),
        encoding,
    })
}

/// A NUL character after the text `before`.
fn nul_byte(path: &Path, before: &str) -> Diagnostic {
    let before = normalise_newlines(before);
    let (line, column) = line_column_of(&before, before.len());
    let (zh, en) = if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
    {
        (" CSV 文件", "CSV")
    } else {
        ("文本文件", "text")
    };
    Diagnostic::new(
        path,
        line,
        column,
        format!(
            "不是文本文件：此处有 NUL 字节（二进制文件，或没有字节顺序标记的 UTF-16）；请另存为 UTF-8 或 GBK 编码的{zh}"
        ),
        format!(
            "not a text file: a NUL byte here (a binary file, or UTF-16 without a byte-order mark); save it as {en} in UTF-8 or GBK"
        ),
    )
}

/// Recognises Excel workbooks saved under a text file's name: `.xlsx` (a zip archive) and
/// `.xls` (an OLE compound file), whose bytes would otherwise decode as GBK gibberish; the
/// messages and the extension the file should have.
fn workbook_kind(bytes: &[u8]) -> Option<(&'static str, &'static str, &'static str)> {
    if bytes.starts_with(b"PK\x03\x04") {
        Some((
            "这是 Excel 工作簿（.xlsx）或 zip 压缩包，不是文本文件",
            "this is an Excel workbook (.xlsx) or a zip archive, not a text file",
            "xlsx",
        ))
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Some((
            "这是旧版 Excel 工作簿（.xls），不是文本文件",
            "this is an old Excel workbook (.xls), not a text file",
            "xls",
        ))
    } else {
        None
    }
}

/// Reads a whole file, or says in plain words why it cannot be read.
pub fn read_file(path: &Path) -> Result<Vec<u8>, Diagnostic> {
    std::fs::read(path).map_err(|e| {
        let (zh, en) = read_error(&e);
        Diagnostic::new(path, 0, 0, zh, en)
    })
}

/// Why a file cannot be read, in Chinese and English; the system's own words for the rare
/// cases without a plain explanation.
pub fn read_error(e: &std::io::Error) -> (String, String) {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => ("找不到文件".into(), "file not found".into()),
        ErrorKind::PermissionDenied => (
            "没有读取该文件的权限".into(),
            "permission denied: the file cannot be read".into(),
        ),
        ErrorKind::IsADirectory => (
            "这是一个文件夹，不是文件".into(),
            "this is a folder, not a file".into(),
        ),
        _ => (
            format!("无法读取文件：{e}"),
            format!("cannot read the file: {e}"),
        ),
    }
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
    // An offset inside a character (a parser's byte span can end there) counts as that
    // character's start.
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() as u64 + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() as u64 + 1;
    (line, column)
}

/// How the CSV outputs are encoded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CsvEncoding {
    /// UTF-8 with a byte-order mark (`EF BB BF`): Excel, on Chinese Windows too, reads it as
    /// UTF-8 only with the mark; every other reader of this crate strips it.
    #[default]
    Utf8Bom,
    /// UTF-8 without a mark, for scripts and diffs.
    Utf8,
    /// GBK (code page 936), what Excel on Chinese Windows assumes for a file without a mark.
    /// The rare characters outside GBK are written in GB18030's four-byte form, so nothing
    /// is lost (a GB18030 reader restores them; a strict GBK reader shows two odd
    /// characters for each).
    Gbk,
}

impl CsvEncoding {
    /// The bytes of UTF-8 CSV text `utf8` in this encoding.
    pub fn encode(self, utf8: &[u8]) -> Vec<u8> {
        match self {
            Self::Utf8 => utf8.to_vec(),
            Self::Utf8Bom => {
                let mut out = Vec::with_capacity(utf8.len() + 3);
                out.extend_from_slice(b"\xEF\xBB\xBF");
                out.extend_from_slice(utf8);
                out
            }
            Self::Gbk => {
                let text = String::from_utf8_lossy(utf8);
                // GB18030 agrees with GBK on every GBK character and encodes all others.
                let (bytes, _, _) = GB18030.encode(&text);
                bytes.into_owned()
            }
        }
    }
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
    fn csv_outputs_read_back_in_every_encoding() {
        let csv = "id,name\n1,南街社区\n2,䶮村\n";
        let bom = CsvEncoding::Utf8Bom.encode(csv.as_bytes());
        assert!(bom.starts_with(b"\xEF\xBB\xBF"));
        let gbk = CsvEncoding::Gbk.encode(csv.as_bytes());
        // 南 is C4 CF in GBK.
        assert!(gbk.windows(2).any(|w| w == b"\xC4\xCF"), "{gbk:?}");
        for (bytes, enc) in [
            (bom, TextEncoding::Utf8Bom),
            (gbk, TextEncoding::Gb18030),
            (CsvEncoding::Utf8.encode(csv.as_bytes()), TextEncoding::Utf8),
        ] {
            let t = decode(Path::new("x.csv"), &bytes).expect("valid");
            assert_eq!(t.text, csv);
            assert_eq!(t.encoding, enc);
        }
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
    fn binary_files_and_workbooks_are_named_as_such() {
        let d = decode(Path::new("v.csv"), b"id,name\nA,\x00\x01").expect_err("NUL");
        assert_eq!((d.line, d.column), (2, 3));
        assert!(d.en.starts_with("not a text file"), "{}", d.en);
        let d = decode(Path::new("v.csv"), b"PK\x03\x04rest").expect_err("xlsx");
        assert!(d.en.contains("Excel workbook"), "{}", d.en);
        // UTF-16 with its byte-order mark is text, NULs and all.
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend("id\n".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(
            decode(Path::new("v.csv"), &bytes).expect("UTF-16").text,
            "id\n"
        );
    }

    #[test]
    fn read_errors_are_said_plainly() {
        use std::io::{Error, ErrorKind};
        // Tests run as root in CI, where no file is unreadable; the wording is checked here.
        let (zh, en) = read_error(&Error::from(ErrorKind::PermissionDenied));
        assert_eq!(
            (zh.as_str(), en.as_str()),
            (
                "没有读取该文件的权限",
                "permission denied: the file cannot be read"
            )
        );
        let d = read_file(Path::new("/no/such/folder/villages.csv")).expect_err("missing");
        assert_eq!((d.line, d.en.as_str()), (0, "file not found"));
    }

    #[test]
    fn an_offset_inside_a_character_does_not_panic() {
        // "名" is three bytes; a parser's span may point into it.
        assert_eq!(line_column_of("a\n名x", 3), (2, 1));
        assert_eq!(line_column_of("a\n名x", 4), (2, 1));
        assert_eq!(line_column_of("a\n名x", 5), (2, 2));
        assert_eq!(line_column_of("名", 99), (1, 2));
    }

    #[test]
    fn lone_cr_counts_as_a_line_end() {
        assert_eq!(normalise_newlines("a\rb\r\nc"), "a\nb\nc");
    }
}
