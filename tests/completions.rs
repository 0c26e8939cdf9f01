//! Shell completions and the man page are generated from the same clap definition as
//! `--help`, so they list every command and flag there is.

use std::process::Command;

fn optform(args: &[&str]) -> (i32, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_optform")).args(args).output().unwrap();
    (o.status.code().unwrap_or(-1), String::from_utf8_lossy(&o.stdout).into_owned())
}

#[test]
fn the_bash_completion_script_parses_and_knows_every_command_and_flag() {
    let (code, script) = optform(&["completions", "bash"]);
    assert_eq!(code, 0);
    for word in ["check", "run", "render", "solve", "formulate", "bench", "score", "--data-dir", "--max", "--deadline"]
    {
        assert!(script.contains(word), "{word} is completed");
    }
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("optform.bash");
    std::fs::write(&path, &script).unwrap();
    let syntax = Command::new("bash").arg("-n").arg(&path).status().unwrap();
    assert!(syntax.success(), "bash -n accepts the script");
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let (code, text) = optform(&["completions", shell]);
        assert!(code == 0 && text.contains("optform"), "{shell}");
    }
    assert_eq!(optform(&["completions", "tcsh"]).0, 2, "an unknown shell is a usage error");
}

#[test]
fn the_man_page_is_roff_with_every_command() {
    let (code, page) = optform(&["man"]);
    assert_eq!(code, 0);
    assert!(page.contains(".TH optform 1") && page.contains(".SH NAME"), "{page}");
    for cmd in ["check", "run", "solve", "bench", "render"] {
        assert!(page.contains(&format!("optform\\-{cmd}")), "{cmd} is listed");
    }
}
