use std::io::{Read, Write};
use std::process::ExitCode;

use anyhow::Context;
use clap::{CommandFactory, Parser};

use bianmin::calc::calc;
use bianmin::policy::config::DEZHOU_2012;
use bianmin::policy::Policy;

mod cli;
use cli::{Cli, Command};

/// Exit status for input that cannot be evaluated (CALC.md).
const EXIT_BAD_INPUT: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            // One line: the chain of causes joined, never a backtrace.
            let message = format!("{err:#}").replace('\n', " ");
            eprintln!("bianmin: {message}");
            ExitCode::from(EXIT_BAD_INPUT)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        None => {
            Cli::command().print_help()?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Calc { file, policy }) => {
            let policy = match policy {
                Some(path) => Policy::load(&path)?,
                None => Policy::dezhou_2012(),
            };
            let (text, origin) = read_input(&file)?;
            let output = calc(&text, &origin, &policy)?;
            write_stdout(output.as_bytes())
        }
        Some(Command::Policy) => write_stdout(DEZHOU_2012.as_bytes()),
    }
}

/// Reads a file, or standard input for `-`; returns the text and the
/// name to use in error messages.
fn read_input(file: &str) -> anyhow::Result<(String, String)> {
    let mut text = String::new();
    if file == "-" {
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read standard input as UTF-8")?;
        Ok((text, "<stdin>".to_string()))
    } else {
        text = std::fs::read_to_string(file).with_context(|| format!("cannot read {file}"))?;
        Ok((text, file.to_string()))
    }
}

/// Writes all output at once; a closed pipe (`| head`) is not an error.
fn write_stdout(bytes: &[u8]) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        other => {
            other.context("cannot write to standard output")?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
