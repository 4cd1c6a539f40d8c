//! End-to-end scan throughput over the real-world corpus (`../shared/corpus`): read, parse,
//! evaluate every rule, resolve positions, build the report.
//!
//! `scan/1-thread` is the CPU cost (CPU-seconds per corpus); `scan/2-threads` shows the
//! parallel speed-up. `parse-only/1-thread` isolates the loader. Set `PALISADE_CORPUS` to
//! benchmark another directory.

use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use palisade::pipeline;
use palisade_model::loader::{self, InputArg};
use palisade_rules::{Engine, Settings};

fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("PALISADE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"));
    dir.is_dir().then_some(dir)
}

fn corpus_bytes(dir: &Path) -> u64 {
    let (sources, _) = loader::discover(&[InputArg::Path(dir.to_path_buf())]);
    sources
        .iter()
        .filter_map(|s| match s {
            loader::Source::File(p) => std::fs::metadata(p).ok().map(|m| m.len()),
            loader::Source::Stdin(_) => None,
        })
        .sum()
}

fn bench(c: &mut Criterion) {
    let Some(dir) = corpus_dir() else {
        eprintln!("scan benchmark skipped: corpus not found (set PALISADE_CORPUS)");
        return;
    };
    let inputs = [InputArg::Path(dir.clone())];
    let engine = Engine::new(Settings::default());
    let probe = pipeline::scan(&inputs, &engine);
    eprintln!(
        "corpus: {} files, {} objects, {} bytes, {} findings",
        probe.files,
        probe.objects,
        corpus_bytes(&dir),
        probe.findings.len()
    );

    let mut group = c.benchmark_group("corpus");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(corpus_bytes(&dir)));
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build();
        let Ok(pool) = pool else { continue };
        group.bench_function(format!("scan/{threads}-thread"), |b| {
            b.iter(|| pool.install(|| pipeline::scan(&inputs, &engine)));
        });
    }
    group.throughput(Throughput::Elements(probe.objects as u64));
    group.bench_function("scan-objects/1-thread", |b| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build();
        let Ok(pool) = pool else { return };
        b.iter(|| pool.install(|| pipeline::scan(&inputs, &engine)));
    });
    group.bench_function("parse-only/1-thread", |b| {
        let (sources, _) = loader::discover(&inputs);
        b.iter(|| {
            sources
                .iter()
                .map(|s| loader::load(s).objects.len())
                .sum::<usize>()
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
