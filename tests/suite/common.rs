//! Shared test setup: a store in a temporary directory with one inspection.
#![allow(dead_code)]

use std::path::Path;

use pingshen::checklist::{Catalog, Checklist, Source, parse_checklist};
use pingshen::store::{Inspection, Institution, NewInspection, ReviewKind, Store};

pub fn shipped(id: &str) -> (Checklist, Source) {
    let cat = Catalog::discover(None);
    let a = cat.get(id).expect("shipped checklist");
    (a.checklist.clone(), a.source.clone())
}

pub fn source(text: &str, name: &str) -> (Checklist, Source) {
    let source = Source {
        origin: pingshen::checklist::Origin::File(name.into()),
        text: text.to_string(),
    };
    (
        parse_checklist(text, name).expect("valid checklist"),
        source,
    )
}

pub fn new_inspection(name: &str) -> NewInspection {
    NewInspection {
        institution: Institution {
            name: name.to_string(),
            region: "北京市东城区".into(),
            kind: "社区卫生服务中心".into(),
            head: "王喆".into(),
            phone: "13800000000".into(),
        },
        review_kind: ReviewKind::District,
        date: "2026-11-23".into(),
        inspectors: vec!["张三".into(), "李四".into()],
        sample: false,
    }
}

pub fn store_with_inspection(dir: &Path, checklist: &str) -> (Store, Inspection) {
    let store = Store::open(dir).expect("store opens");
    let (c, s) = shipped(checklist);
    let insp = store
        .create(new_inspection("东城区某社区卫生服务中心"), &c, &s)
        .unwrap();
    (store, insp)
}

/// Writes `payload` as an export file with a correct checksum, whatever it holds: how
/// a crafted file that passes the envelope is made.
pub fn seal_json(payload: &serde_json::Value, file: &Path) {
    let payload = serde_json::to_string_pretty(payload).unwrap();
    let sealed = format!(
        r#"{{"format":"pingshen-export","format_version":{},"checksum":"sha256:{}","payload":{payload}}}"#,
        pingshen::store::EXPORT_FORMAT_VERSION,
        pingshen::checklist::sha256_hex(payload.as_bytes()),
    );
    std::fs::write(file, sealed).unwrap();
}

/// The raw sled database of a store just closed. sled's own file lock can outlive the
/// `Db` for a moment (its flusher thread lets go last), so this waits up to 5 s.
pub fn sled_open(db: &Path) -> sled::Db {
    let start = std::time::Instant::now();
    loop {
        match sled::open(db) {
            Ok(db) => return db,
            Err(e) if start.elapsed() < std::time::Duration::from_secs(5) => {
                let _ = e;
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(e) => panic!("sled::open({}): {e}", db.display()),
        }
    }
}
