//! `bianmin calc`: CALC.md's JSON in, the engine's result as JSON out.
//! Touches no database and no network.

pub mod input;
pub mod output;

use crate::policy::{evaluate_under, FactsError, Policy};
pub use input::CalcInput;
pub use output::CalcOutput;

/// Why `calc` could not evaluate its input: one line, naming where.
#[derive(Debug, thiserror::Error)]
pub enum CalcError {
    /// Not JSON, or a field of the wrong shape: with line and column.
    #[error("{origin}:{line}:{column}: {path}{message}")]
    Parse {
        origin: String,
        line: usize,
        column: usize,
        /// `stations[0].payments.mobile.amount: `, or empty at the top.
        path: String,
        message: String,
    },
    /// Well-formed, but cannot be evaluated (an unknown maintainer …).
    #[error("{origin}: {problem}")]
    Facts {
        origin: String,
        problem: crate::policy::FactsError,
    },
}

/// Parses CALC.md's input; `origin` names the file (or `-`) in errors.
pub fn parse_input(text: &str, origin: &str) -> Result<CalcInput, CalcError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed: Result<CalcInput, _> = serde_path_to_error::deserialize(&mut de);
    let input = parsed.map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        parse_error(origin, &inner, if path == "." { String::new() } else { path })
    })?;
    de.end().map_err(|e| parse_error(origin, &e, String::new()))?;
    Ok(input)
}

fn parse_error(origin: &str, err: &serde_json::Error, path: String) -> CalcError {
    let (line, column) = (err.line(), err.column());
    let full = err.to_string();
    let suffix = format!(" at line {line} column {column}");
    let message = full.strip_suffix(&suffix).unwrap_or(&full).to_string();
    CalcError::Parse {
        origin: origin.to_string(),
        line,
        column,
        path: if path.is_empty() { path } else { format!("{path}: ") },
        message,
    }
}

/// Evaluates CALC.md's input text and renders the output JSON.
pub fn calc(text: &str, origin: &str, policy: &Policy) -> Result<String, CalcError> {
    let facts_error = |problem| CalcError::Facts {
        origin: origin.to_string(),
        problem,
    };
    let input = parse_input(text, origin)?;
    // R12: the month picks the version in force.
    let version = policy.version_for(input.month).map_err(|e| {
        facts_error(FactsError {
            path: "month".into(),
            message: e.to_string(),
        })
    })?;
    let facts = input.into_facts(version).map_err(facts_error)?;
    let result = evaluate_under(&policy.id, version, &facts).map_err(facts_error)?;
    let mut out = serde_json::to_string_pretty(&CalcOutput::from(&result)).expect("output serialises");
    out.push('\n');
    Ok(out)
}
