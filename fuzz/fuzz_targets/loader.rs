//! Any bytes as a manifest file: the loader must give objects, skipped documents or errors,
//! never panic or hang, and every rule must accept every object it gives.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use palisade_model::loader;
use palisade_rules::{Engine, Settings};

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::new(Settings::default()))
}

fuzz_target!(|data: &[u8]| {
    let file = loader::load_bytes("fuzz.yaml".into(), data.to_vec());
    for object in &file.objects {
        let result = engine().evaluate(object);
        for finding in result.findings_under(engine().settings().pss) {
            // Every pointer a rule reports must resolve to a position in the file.
            let _ = object.resolve(&finding.pointer);
        }
    }
    let _ = engine().evaluate_set(&file.objects);
});
