//! `yanglao bench … | head -1`: a reader that goes away after the first line ends the run
//! quietly with success, as `plan` does, instead of a panic on the next line.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

#[test]
fn bench_ends_quietly_when_its_reader_goes() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_yanglao"))
        .args(["bench", "travel"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut first = String::new();
    BufReader::new(stdout)
        .read_line(&mut first)
        .expect("a first line");
    // The reader is gone now: the next line the bench prints meets a closed pipe.
    assert!(!first.is_empty());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("piped stderr")
        .read_to_string(&mut stderr)
        .expect("stderr");
    let status = child.wait().expect("exits");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(status.code(), Some(0), "{stderr}");
}
