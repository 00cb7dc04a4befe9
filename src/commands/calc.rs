//! `bianmin calc FILE|-`

use std::io::Read;

use std::path::Path;

use bianmin::i18n::{trf, Text};

use crate::cli::Global;

pub fn run(global: &Global, file: &str) -> anyhow::Result<()> {
    let policy = super::policy_in_effect(global, None)?;
    let mut text = String::new();
    let origin = if file == "-" {
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| anyhow::anyhow!(trf(Text::CalcStdin, &[&bianmin::errors::io_text(&e)])))?;
        "<stdin>".to_string()
    } else {
        text = std::fs::read_to_string(file).map_err(super::io_failed(Text::CannotRead, Path::new(file)))?;
        file.to_string()
    };
    let output = bianmin::calc::calc(&text, &origin, &policy)?;
    super::write_stdout(output.as_bytes())
}
