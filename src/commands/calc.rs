//! `bianmin calc FILE|-`

use std::io::Read;

use anyhow::Context;

use crate::cli::Global;

pub fn run(global: &Global, file: &str) -> anyhow::Result<()> {
    let policy = super::policy_in_effect(global, None)?;
    let mut text = String::new();
    let origin = if file == "-" {
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read standard input as UTF-8")?;
        "<stdin>".to_string()
    } else {
        text = std::fs::read_to_string(file).with_context(|| format!("cannot read {file}"))?;
        file.to_string()
    };
    let output = bianmin::calc::calc(&text, &origin, &policy)?;
    super::write_stdout(output.as_bytes())
}
