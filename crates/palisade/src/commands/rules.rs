//! `palisade rules`: the catalog, for people and for scripts.

use std::process::ExitCode;

use clap::{Args, ValueEnum};
use palisade_rules::RULES;
use serde_json::json;

#[derive(Debug, Args)]
pub(crate) struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
    format: RulesFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum RulesFormat {
    Text,
    Json,
}

pub(crate) fn run(args: &RulesArgs) -> anyhow::Result<ExitCode> {
    let text = match args.format {
        RulesFormat::Text => {
            let mut out = format!(
                "{:<8} {:<36} {:<9} {:<14} {}\n",
                "CODE", "NAME", "SEVERITY", "CATEGORY", "SUMMARY"
            );
            for rule in RULES {
                out.push_str(&format!(
                    "{:<8} {:<36} {:<9} {:<14} {}\n",
                    rule.code, rule.name, rule.severity, rule.category, rule.summary
                ));
            }
            out
        }
        RulesFormat::Json => {
            let rules: Vec<_> = RULES
                .iter()
                .map(|rule| {
                    json!({
                        "code": rule.code,
                        "name": rule.name,
                        "severity": rule.severity.as_str(),
                        "category": rule.category.as_str(),
                        "summary": rule.summary,
                        "standards": rule.standards,
                        "pssCheck": rule.pss_check().map(|c| c.id),
                    })
                })
                .collect();
            let mut text = serde_json::to_string_pretty(&rules)?;
            text.push('\n');
            text
        }
    };
    super::write_stdout(&text)?;
    Ok(ExitCode::SUCCESS)
}
