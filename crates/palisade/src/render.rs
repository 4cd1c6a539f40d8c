//! Helm charts and Kustomizations found in a scanned tree, rendered with the user's own `helm`
//! and `kustomize` (or `kubectl kustomize`) as they would be for an install, so that what is
//! checked is what would ship.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

use palisade_model::TemplateSource;
use palisade_model::loader::{self, Chart, LoadedFile};

/// The `helm` to render charts with: `PALISADE_HELM`, else the first on `PATH`.
pub fn find_helm() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PALISADE_HELM") {
        return Some(PathBuf::from(path));
    }
    on_path("helm")
}

/// The first program called `name` on `PATH`.
fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// Runs a renderer and returns what it printed; `Err` holds the first line it said on failure,
/// after `what failed: `.
fn run_tool(command: &mut Command, what: &str) -> Result<Vec<u8>, String> {
    let output = command.stdin(Stdio::null()).output().map_err(|e| {
        format!(
            "cannot run {}: {e}",
            command.get_program().to_string_lossy()
        )
    })?;
    if !output.status.success() {
        let said = String::from_utf8_lossy(&output.stderr);
        let first = said
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("no message");
        return Err(format!("{what} failed: {first}"));
    }
    Ok(output.stdout)
}

/// The program and arguments that build a Kustomization (the directory is appended):
/// `PALISADE_KUSTOMIZE` (a kustomize binary), else `kustomize build`, else `kubectl kustomize`
/// from `PATH`.
pub fn find_kustomize() -> Option<(PathBuf, &'static str)> {
    if let Some(path) = std::env::var_os("PALISADE_KUSTOMIZE") {
        let path = PathBuf::from(path);
        let verb = if path.file_name().is_some_and(|n| n == "kubectl") {
            "kustomize"
        } else {
            "build"
        };
        return Some((path, verb));
    }
    on_path("kustomize")
        .map(|p| (p, "build"))
        .or_else(|| on_path("kubectl").map(|p| (p, "kustomize")))
}

/// Builds a Kustomization and loads the output, named after its directory.
pub fn build_kustomization(tool: &(PathBuf, &str), dir: &Path) -> Result<LoadedFile, String> {
    let (program, verb) = tool;
    let built = run_tool(Command::new(program).arg(verb).arg(dir), "kustomize build")?;
    let display = dir.display().to_string();
    Ok(loader::load_bytes(Arc::from(display.as_str()), built))
}

/// Renders a chart with `helm template` and loads the output; locations in it point at the
/// chart's own template files. `Err` holds what helm said.
pub fn render_chart(helm: &Path, chart: &Chart, values: &[PathBuf]) -> Result<LoadedFile, String> {
    let mut command = Command::new(helm);
    command
        .arg("template")
        .arg(chart.name.as_deref().unwrap_or("release"))
        .arg(&chart.dir);
    for file in values {
        command.arg("--values").arg(file);
    }
    let rendered = run_tool(&mut command, "helm template")?;
    let display = chart.dir.display().to_string();
    let mut file = loader::load_bytes(Arc::from(display.as_str()), rendered);
    relocate(&mut file, chart);
    Ok(file)
}

/// `helm template` names templates `<chart name>/templates/x.yaml`; the user's file is
/// `<chart dir>/templates/x.yaml`.
fn relocate(file: &mut LoadedFile, chart: &Chart) {
    let Some(name) = &chart.name else {
        return;
    };
    let prefix = format!("{name}/");
    let mut moved: HashMap<*const TemplateSource, Arc<TemplateSource>> = HashMap::new();
    for object in &mut file.objects {
        let Some(template) = &object.origin.template else {
            continue;
        };
        let key = Arc::as_ptr(template);
        let relocated = moved
            .entry(key)
            .or_insert_with(|| match template.path.strip_prefix(&prefix) {
                Some(rest) => Arc::new(TemplateSource {
                    path: Arc::from(chart.dir.join(rest).display().to_string()),
                    comment_line: template.comment_line,
                }),
                None => template.clone(),
            })
            .clone();
        object.origin.template = Some(relocated);
    }
}
