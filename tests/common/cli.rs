//! Runs the `imap-sandbox` binary for the CLI tests, included by path.

use std::process::Command;

/// What one run of the binary gave.
pub struct Ran {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `imap-sandbox ARGS...` from the crate root.
pub fn run(args: &[&str]) -> Ran {
    let out = Command::new(env!("CARGO_BIN_EXE_imap-sandbox"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs");
    Ran {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
