//! `palisade init`: write a commented configuration file with the defaults.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use clap::Args;

/// The default configuration, every key explained.
pub(crate) const DEFAULT_CONFIG: &str = include_str!("default-config.yaml");

#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// Where to write the configuration.
    #[arg(long, default_value = ".palisade.yaml")]
    path: PathBuf,

    /// Replace an existing file.
    #[arg(long)]
    force: bool,

    /// Print the configuration instead of writing a file.
    #[arg(long, conflicts_with_all = ["path", "force"])]
    stdout: bool,
}

pub(crate) fn run(args: &InitArgs) -> anyhow::Result<ExitCode> {
    if args.stdout {
        super::write_stdout(DEFAULT_CONFIG)?;
        return Ok(ExitCode::SUCCESS);
    }
    if args.path.exists() && !args.force {
        bail!(
            "{} already exists; use --force to replace it",
            args.path.display()
        );
    }
    std::fs::write(&args.path, DEFAULT_CONFIG)
        .with_context(|| format!("writing {}", args.path.display()))?;
    eprintln!("wrote {}", args.path.display());
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_configuration_is_valid_and_changes_nothing() {
        let config = palisade_rules::config::Config::parse("default-config.yaml", DEFAULT_CONFIG)
            .expect("the default configuration is valid");
        let defaults = palisade_rules::Settings::default();
        assert_eq!(config.settings.disabled, defaults.disabled);
        assert!(config.settings.severity_overrides.is_empty());
        assert_eq!(config.settings.pss, defaults.pss);
        assert!(config.exceptions.is_empty());
        assert!(config.exceptions.allow_inline());
        let webhook = palisade_rules::config::WebhookSettings::default();
        assert_eq!(config.webhook.describe(), webhook.describe());
        assert_eq!(
            config.webhook.exempt_namespaces.as_deref(),
            Some(&["kube-system".to_string()][..])
        );
        assert!(!config.webhook.inline_exceptions.is_enabled());
    }
}
