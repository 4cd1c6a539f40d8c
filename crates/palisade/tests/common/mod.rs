//! Running programs the way a user does, shared by the end-to-end tests.

#![allow(dead_code, reason = "each test file uses a part of this module")]

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// The `palisade` binary under test.
pub fn palisade_bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_palisade"))
}

/// Runs `program` in `dir` with `args`, colours off, stdin from `input` when given.
pub fn run_in(program: &Path, dir: &Path, args: &[&str], input: Option<&str>) -> Output {
    let mut command = Command::new(program);
    command.current_dir(dir).args(args).env("NO_COLOR", "1");
    command.stdin(if input.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = command
        .spawn()
        .unwrap_or_else(|e| panic!("{} runs: {e}", program.display()));
    if let Some(text) = input {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(text.as_bytes())
            .expect("write stdin");
    }
    child.wait_with_output().expect("the program finishes")
}
