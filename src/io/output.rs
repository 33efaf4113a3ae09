//! The output folder: a safe folder name from a scenario's, and the atomic replacement of a
//! whole folder of files, so that a reader never sees a mixture of two runs' outputs.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::Error;

/// Longest folder name [`safe_name`] returns, in bytes: file systems allow 255, and the
/// temporary sibling of [`write_folder`] adds about 40.
pub const MAX_NAME_BYTES: usize = 150;

/// A folder name derived from `name` that cannot escape its parent, on Linux, macOS or
/// Windows: path separators (`/`, `\`), the characters Windows reserves (`: * ? " < > |`),
/// control characters and invisible direction or width marks become `_`; leading and
/// trailing dots and spaces are dropped (so `..` and Windows' silent trimming cannot
/// matter); a Windows device name (`CON`, `PRN`, `AUX`, `NUL`, `COM0`–`COM9`, `LPT0`–`LPT9`,
/// with or without an extension, any case) gets a leading `_`; an empty result becomes
/// `scenario`. A name longer than [`MAX_NAME_BYTES`] is cut, and a hash of the whole name
/// appended, so that two long names still give two folders.
pub fn safe_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => '_',
            '\u{FEFF}' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let trim = |s: &str| {
        s.trim_matches(|c: char| c == '.' || c.is_whitespace())
            .to_owned()
    };
    let mut out = trim(&cleaned);
    if out.len() > MAX_NAME_BYTES {
        let mut cut = MAX_NAME_BYTES - 17;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out = format!("{}~{:016x}", trim(&out[..cut]), fnv1a(name.as_bytes()));
    }
    if out.is_empty() {
        return "scenario".to_owned();
    }
    let stem = out.split('.').next().unwrap_or_default().trim_end();
    if is_windows_device(stem) {
        out.insert(0, '_');
    }
    out
}

/// Whether Windows reserves `stem` for a device, whatever the extension after it.
fn is_windows_device(stem: &str) -> bool {
    let upper = stem.to_ascii_uppercase();
    match upper.as_str() {
        "CON" | "PRN" | "AUX" | "NUL" => true,
        _ => {
            upper.len() == 4
                && (upper.starts_with("COM") || upper.starts_with("LPT"))
                && upper.as_bytes()[3].is_ascii_digit()
        }
    }
}

/// The 64-bit FNV-1a hash: stable across runs and platforms, unlike std's hasher.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The output folder name of a scenario: its file stem, made safe.
pub fn output_name(scenario_path: &Path) -> String {
    safe_name(
        &scenario_path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    )
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes `files` (name, bytes) into the folder `parent/name` so that, whenever the process
/// dies (killed, power cut after the data reached the disk), `parent/name` is either the
/// complete previous output or the complete new one, never a mixture or a half-written one.
///
/// # Guarantee
///
/// 1. Every file is written and flushed (`fsync`) into a hidden sibling
///    `parent/.NAME.tmp-PID-N` (PID of the process, N counting writes within it).
/// 2. On Linux the two folders are swapped by one `renameat2(RENAME_EXCHANGE)` call: there is
///    no instant at which `parent/name` is missing or incomplete. The previous output, now
///    under the temporary name, is then deleted. Without a previous output a plain rename,
///    atomic as well, puts the new folder in place.
/// 3. Elsewhere, or on a file system without the exchange, the previous folder is renamed to
///    `parent/.NAME.old-PID-N` and the new one renamed into place. A process that dies
///    between these two renames leaves `parent/name` missing and the previous output
///    complete under `.NAME.old-PID-N`; the next write of the same name moves it back before
///    anything else.
/// 4. Every write of `name` first removes the `.NAME.tmp-…` and `.NAME.old-…` leftovers of
///    processes that are no longer running (on Linux, those whose `/proc/PID` is gone;
///    elsewhere only this process's), so killed runs do not accumulate copies.
///
/// # Errors
///
/// [`Error::Input`], located at `parent/name`, when that entry exists but is not a folder
/// (a file, or a link to one): nothing is written and the entry is left as it is. Otherwise
/// [`Error::Io`] for a file or folder that cannot be created, written or renamed.
pub fn write_folder(
    parent: &Path,
    name: &str,
    files: &[(String, Vec<u8>)],
) -> Result<PathBuf, Error> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static WRITES: AtomicU64 = AtomicU64::new(0);

    fs::create_dir_all(parent).map_err(io_err(parent))?;
    let target = parent.join(name);
    recover_leftovers(parent, name, &target);
    // An entry that is not a folder would be swapped for the new folder and left behind
    // under the temporary name: refuse it before anything is written.
    if fs::metadata(&target).is_ok_and(|m| !m.is_dir()) {
        return Err(Error::Input(
            crate::error::Diagnostic::new(
                &target,
                0,
                0,
                "输出位置已有同名文件而不是文件夹, 请改名或移走它, 或换一个 --out",
                "the output path is a file, not a folder; rename or move it, or choose another --out",
            )
            .into(),
        ));
    }
    let tag = format!(
        "{}-{}",
        std::process::id(),
        WRITES.fetch_add(1, Ordering::Relaxed)
    );
    let tmp = parent.join(format!(".{name}.tmp-{tag}"));
    if fs::symlink_metadata(&tmp).is_ok() {
        fs::remove_dir_all(&tmp).map_err(io_err(&tmp))?;
    }
    fs::create_dir(&tmp).map_err(io_err(&tmp))?;
    // Files are written and flushed in parallel (the flushes wait on the disk, not the
    // CPU); the first failure in the list's order is the one reported.
    let written: Vec<Result<(), Error>> = files
        .par_iter()
        .map(|(file, bytes)| {
            let path = tmp.join(file);
            let mut f = fs::File::create(&path).map_err(io_err(&path))?;
            f.write_all(bytes).map_err(io_err(&path))?;
            f.sync_all().map_err(io_err(&path))
        })
        .collect();
    written.into_iter().collect::<Result<(), Error>>()?;
    sync_dir(&tmp);
    if fs::symlink_metadata(&target).is_err() {
        fs::rename(&tmp, &target).map_err(io_err(&target))?;
    } else {
        match exchange(&tmp, &target) {
            // `tmp` now holds the previous output.
            Ok(()) => {
                sync_dir(parent);
                fs::remove_dir_all(&tmp).map_err(io_err(&tmp))?;
            }
            Err(e) if exchange_unsupported(&e) => {
                let old = parent.join(format!(".{name}.old-{tag}"));
                fs::rename(&target, &old).map_err(io_err(&target))?;
                fs::rename(&tmp, &target).map_err(io_err(&target))?;
                sync_dir(parent);
                fs::remove_dir_all(&old).map_err(io_err(&old))?;
            }
            Err(e) => return Err(io_err(&target)(e)),
        }
    }
    sync_dir(parent);
    Ok(target)
}

/// Swaps two paths atomically (Linux `renameat2` with `RENAME_EXCHANGE`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both are valid NUL-terminated paths that outlive the call; AT_FDCWD makes them
    // relative to the working directory, as std's own rename does.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// Whether an exchange failed because the system or file system cannot do it (so the two
/// renames are used instead), not because of the paths.
fn exchange_unsupported(e: &std::io::Error) -> bool {
    #[cfg(target_os = "linux")]
    if let Some(code) = e.raw_os_error() {
        return matches!(code, libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP);
    }
    e.kind() == std::io::ErrorKind::Unsupported
}

/// Flushes a folder's entries to disk where the system allows opening folders (Unix); a
/// failure only weakens durability after a power cut, never the atomicity, so it is ignored.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(f) = fs::File::open(dir) {
        let _ = f.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Whether the process `pid` may still be running.
fn running(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        false
    }
}

/// Cleans up after writes of `name` that were killed: restores a previous output left under
/// `.NAME.old-PID-N` when `target` is missing, and deletes the other leftovers of processes
/// no longer running. Best effort: what cannot be removed stays, hidden.
fn recover_leftovers(parent: &Path, name: &str, target: &Path) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let (tmp_prefix, old_prefix) = (format!(".{name}.tmp-"), format!(".{name}.old-"));
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else {
            continue;
        };
        let (old, rest) = match (
            file_name.strip_prefix(&tmp_prefix),
            file_name.strip_prefix(&old_prefix),
        ) {
            (Some(rest), _) => (false, rest),
            (_, Some(rest)) => (true, rest),
            _ => continue,
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if running(pid) {
            continue;
        }
        let path = entry.path();
        if old && fs::symlink_metadata(target).is_err() && fs::rename(&path, target).is_ok() {
            continue;
        }
        let _ = fs::remove_dir_all(&path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cannot_escape_the_output_folder() {
        assert_eq!(safe_name("../../etc"), "_.._etc");
        assert_eq!(safe_name("/abs/path"), "_abs_path");
        assert_eq!(safe_name(".."), "scenario");
        assert_eq!(safe_name("a:b*c?"), "a_b_c_");
        assert_eq!(safe_name("民乐县"), "民乐县");
    }

    #[test]
    fn names_are_safe_on_windows_too() {
        assert_eq!(safe_name("C:\\Windows\\x"), "C__Windows_x");
        assert_eq!(safe_name("CON"), "_CON");
        assert_eq!(safe_name("nul.txt"), "_nul.txt");
        assert_eq!(safe_name("Com1"), "_Com1");
        assert_eq!(safe_name("lpt9.tar.gz"), "_lpt9.tar.gz");
        assert_eq!(safe_name("console"), "console");
        assert_eq!(safe_name("COM10"), "COM10");
        // Windows drops trailing dots and spaces; so does the name, so they cannot hide a
        // device name or make two names one folder.
        assert_eq!(safe_name("aux . ."), "_aux");
        assert_eq!(safe_name(" . .. "), "scenario");
        assert_eq!(safe_name("a\0b\nc"), "a_b_c");
        assert_eq!(safe_name("x\u{202e}gpj.exe"), "x_gpj.exe");
        assert_eq!(safe_name("..%2F..%2Fx"), "%2F..%2Fx");
    }

    #[test]
    fn long_names_are_cut_but_stay_distinct() {
        let a = format!("{}甲", "养老".repeat(100));
        let b = format!("{}乙", "养老".repeat(100));
        let (sa, sb) = (safe_name(&a), safe_name(&b));
        assert!(sa.len() <= MAX_NAME_BYTES, "{}", sa.len());
        assert!(sa.starts_with("养老养老"));
        assert_ne!(sa, sb);
        assert_eq!(safe_name(&a), sa, "stable");
        let exact = "x".repeat(MAX_NAME_BYTES);
        assert_eq!(safe_name(&exact), exact);
    }

    #[test]
    fn a_second_write_replaces_the_first_whole() {
        let dir = tempfile::tempdir().expect("temp dir");
        let one = vec![
            ("a.txt".to_owned(), b"1".to_vec()),
            ("b.txt".to_owned(), b"1".to_vec()),
        ];
        let two = vec![("a.txt".to_owned(), b"2".to_vec())];
        let out = write_folder(dir.path(), "run", &one).expect("first");
        write_folder(dir.path(), "run", &two).expect("second");
        assert_eq!(fs::read(out.join("a.txt")).expect("a"), b"2");
        assert!(
            !out.join("b.txt").exists(),
            "nothing of the first run is left"
        );
        let names: Vec<String> = fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["run"], "no temporary folder is left");
    }

    #[test]
    fn a_file_in_the_folders_place_is_refused_untouched() {
        let dir = tempfile::tempdir().expect("temp dir");
        fs::write(dir.path().join("run"), "a file").expect("write");
        let files = vec![("a.txt".to_owned(), b"1".to_vec())];
        let err = write_folder(dir.path(), "run", &files).expect_err("a file is in the way");
        assert!(err.diagnostics().is_some(), "bad input: {err}");
        assert!(err.to_string().contains("not a folder"), "{err}");
        assert_eq!(fs::read(dir.path().join("run")).expect("kept"), b"a file");
        let names: Vec<String> = fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["run"], "no temporary folder is written");
    }

    #[test]
    fn the_final_name_is_never_missing_or_partial_while_replaced() {
        use std::sync::atomic::{AtomicBool, Ordering};
        let dir = tempfile::tempdir().expect("temp dir");
        let files: Vec<(String, Vec<u8>)> = (0..8)
            .map(|i| (format!("f{i}.txt"), vec![b'x'; 4096]))
            .collect();
        let out = write_folder(dir.path(), "run", &files).expect("first");
        let done = AtomicBool::new(false);
        let (mut looks, mut bad) = (0u64, 0u64);
        std::thread::scope(|s| {
            s.spawn(|| {
                for _ in 0..60 {
                    write_folder(dir.path(), "run", &files).expect("rewrite");
                }
                done.store(true, Ordering::SeqCst);
            });
            // Each look resolves `run/fN.txt` by path, as a reader opening a file does (a
            // listing opened just before a swap would go on reading the previous folder
            // while it is deleted).
            while !done.load(Ordering::SeqCst) {
                for (name, _) in &files {
                    looks += 1;
                    bad += u64::from(!out.join(name).is_file());
                }
            }
        });
        assert_eq!(bad, 0, "{bad} of {looks} looks found a file missing");
    }

    #[test]
    fn leftovers_of_killed_runs_are_restored_or_removed() {
        let dir = tempfile::tempdir().expect("temp dir");
        // A run killed between the two renames of the fallback path: the final name is
        // missing, the previous output sits under `.old`. PID 0 is never a process of ours.
        let old = dir.path().join(".run.old-0-0");
        fs::create_dir(&old).expect("mkdir");
        fs::write(old.join("summary.json"), b"previous").expect("write");
        let stale_tmp = dir.path().join(".run.tmp-0-3");
        fs::create_dir(&stale_tmp).expect("mkdir");
        recover_leftovers(dir.path(), "run", &dir.path().join("run"));
        assert_eq!(
            fs::read(dir.path().join("run/summary.json")).expect("restored"),
            b"previous"
        );
        assert!(!old.exists() && !stale_tmp.exists());
    }
}
