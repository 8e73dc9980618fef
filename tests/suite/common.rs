//! Shared test setup: the one fixture builder ([`Fixture`]), a store in a temporary
//! directory with one inspection, grades written in one transaction.

use std::path::Path;

use pingshen::checklist::{Catalog, Checklist, Source, parse_checklist};
use pingshen::identity::Identity;
use pingshen::identity::keys::TrustStore;
use pingshen::scoring::Grade;
use pingshen::store::{
    Bundle, Edit, Inspection, Institution, NewInspection, ReviewKind, Store, read_bundle,
};

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

/// The one fixture builder (as ripgrep's `tests/util.rs`): a new inspection with
/// defaults, changed by chained calls; each support module's preset starts here.
#[derive(Debug, Clone)]
pub struct Fixture(NewInspection);

impl Fixture {
    pub fn new(name: &str) -> Fixture {
        Fixture(NewInspection {
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
            organiser: String::new(),
        })
    }

    pub fn region(mut self, region: &str) -> Fixture {
        self.0.institution.region = region.into();
        self
    }

    pub fn kind(mut self, kind: &str) -> Fixture {
        self.0.institution.kind = kind.into();
        self
    }

    pub fn date(mut self, date: &str) -> Fixture {
        self.0.date = date.into();
        self
    }

    pub fn head(mut self, name: &str, phone: &str) -> Fixture {
        self.0.institution.head = name.into();
        self.0.institution.phone = phone.into();
        self
    }

    pub fn inspectors(mut self, names: &[&str]) -> Fixture {
        self.0.inspectors = names.iter().map(|n| n.to_string()).collect();
        self
    }

    pub fn build(self) -> NewInspection {
        self.0
    }

    /// Creates it on the shipped checklist `checklist`.
    pub fn create(self, store: &Store, checklist: &str) -> Inspection {
        let (c, s) = shipped(checklist);
        store
            .create(self.0, &c, &s, "张三")
            .expect("inspection created")
    }
}

/// The default new inspection of `name` (北京市东城区, 张三 and 李四).
pub fn new_inspection(name: &str) -> NewInspection {
    Fixture::new(name).build()
}

/// Saves (item, grade, note, 整改意见) for each entry, by `by`, in one transaction and
/// one flush — as `Store::update_many` does — not one flush per item.
pub fn grade_many(store: &Store, id: &str, by: &str, grades: &[(&str, Grade, &str, &str)]) {
    let edits: Vec<(&str, Vec<Edit>)> = grades
        .iter()
        .map(|(item, g, note, action)| {
            let mut e = vec![Edit::Grade(Some(*g))];
            if !note.is_empty() {
                e.push(Edit::Note(note.to_string()));
            }
            if !action.is_empty() {
                e.push(Edit::CorrectiveAction(action.to_string()));
            }
            (*item, e)
        })
        .collect();
    let items: Vec<(&str, &[Edit])> = edits.iter().map(|(i, e)| (*i, e.as_slice())).collect();
    store.update_many(id, &items, by).expect("grades saved");
}

pub fn store_with_inspection(dir: &Path, checklist: &str) -> (Store, Inspection) {
    let store = Store::open(dir).expect("store opens");
    let insp = Fixture::new("东城区某社区卫生服务中心").create(&store, checklist);
    (store, insp)
}

/// Writes `payload` as a bundle signed by `signer`, whatever it holds: how a crafted
/// file that passes the envelope's signature is made.
pub fn sign_json(payload: &serde_json::Value, file: &Path, signer: &Identity) {
    let payload = serde_json::to_string(payload).unwrap();
    let author = pingshen::store::journal::Author {
        name: signer.person.name.clone(),
        key: Some(signer.public_key()),
    };
    let sealed = serde_json::json!({
        "format": "pingshen-bundle",
        "format_version": pingshen::store::BUNDLE_FORMAT_VERSION,
        "signer": author,
        "signature": signer.sign(&pingshen::store::signed_message(&author, &payload)),
        "payload": "PAYLOAD",
    })
    .to_string()
    .replace("\"PAYLOAD\"", &payload);
    std::fs::write(file, sealed).unwrap();
}

/// A trust store trusting every key `bundles` were signed with: as if each had been
/// checked and accepted.
pub fn trusting(bundles: &[&Bundle]) -> TrustStore {
    let mut t = TrustStore::empty();
    for b in bundles {
        for a in b.signer.iter().chain(b.entries.iter().map(|e| &e.author)) {
            if let Some(k) = a.key {
                t.trust(&a.name, k);
            }
        }
    }
    t
}

/// Exports inspection `id` of `store` to `file` and reads it back, checked.
pub fn export_to(store: &Store, id: &str, file: &Path) -> Bundle {
    export_to_with(store, id, file, true)
}

/// [`export_to`], with the evidence files or without.
pub fn export_to_with(store: &Store, id: &str, file: &Path, with_files: bool) -> Bundle {
    store
        .export_with(id, with_files)
        .unwrap()
        .write(file)
        .unwrap();
    read_bundle(file).unwrap()
}

/// Everything recorded of inspection `id`, as its signed bundle's text: equal before
/// and after means nothing was written.
pub fn record_of(store: &Store, id: &str) -> String {
    store.export(id).unwrap().text
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

/// A facility in a district roster: (name, region, head, phone, review kind, date,
/// every item at its best grade).
pub type Spec = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    ReviewKind,
    &'static str,
    bool,
);

/// A district's reviews on the community checklist, one per spec; those marked are
/// graded at each item's best grade (one transaction each). Returns their ids.
pub fn district(dir: &Path, specs: &[Spec]) -> Vec<String> {
    let store = Store::open(dir).unwrap();
    let (c, _) = shipped("community-2022");
    let mut ids = Vec::new();
    for &(name, region, head, phone, kind, date, best) in specs {
        let mut f = Fixture::new(name)
            .region(region)
            .head(head, phone)
            .date(date);
        f.0.review_kind = kind;
        let insp = f.create(&store, "community-2022");
        if best {
            let edits: Vec<(String, [Edit; 1])> = c
                .items()
                .map(|(_, _, it)| {
                    let g = match it.max_level() {
                        pingshen::checklist::Level::A => Grade::A,
                        pingshen::checklist::Level::B => Grade::B,
                        pingshen::checklist::Level::C => Grade::C,
                    };
                    (it.id.clone(), [Edit::Grade(Some(g))])
                })
                .collect();
            let items: Vec<(&str, &[Edit])> = edits
                .iter()
                .map(|(i, e)| (i.as_str(), e.as_slice()))
                .collect();
            store.update_many(&insp.id, &items, "张三").unwrap();
        }
        ids.push(insp.id);
    }
    ids
}

/// The config dir every `pingshen` a test starts uses (identity, signing key, trusted
/// keys): one per run of the suite, under cargo's temporary dir for tests — never the
/// user's own, and never what an earlier run trusted.
pub fn config_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("pingshen-config-{}", std::process::id()))
}

/// Writes a bundle payload `v` (as JSON, edited at will) with every entry that still
/// reads as one re-chained and re-signed by `signer`, and the bundle signed too: what
/// a hostile holder of a key can make. Entries missing fields get them from the
/// payload's second entry.
pub fn resign(mut v: serde_json::Value, file: &Path, signer: &Identity) {
    use pingshen::store::journal::Entry;
    let template = v["entries"][1].clone();
    let mut parents: Vec<String> = Vec::new();
    if let Some(entries) = v["entries"].as_array_mut() {
        for e in entries {
            for key in ["id", "inspection", "at", "author", "parents"] {
                if e.get(key).is_none() {
                    e[key] = template[key].clone();
                }
            }
            // Parents and signature are set on the entry: written in JSON they would
            // have to be in the entry's own encoding.
            e["parents"] = serde_json::json!([]);
            if let Some(m) = e.as_object_mut() {
                m.remove("sig");
            }
            match serde_json::from_value::<Entry>(e.clone()) {
                Ok(mut entry) => {
                    entry.parents = parents.clone();
                    if !entry.migrated {
                        entry.author.key = Some(signer.public_key());
                        entry.sig = Some(signer.sign(&entry.signed_bytes()));
                    }
                    parents = vec![entry.hash()];
                    *e = serde_json::to_value(&entry).unwrap();
                }
                Err(_) => parents = vec!["0".repeat(64)],
            }
        }
    }
    sign_json(&v, file, signer);
}

/// The payload of `bundle` as JSON, to edit and [`resign`].
pub fn payload(bundle: &Bundle) -> serde_json::Value {
    serde_json::to_value(bundle).unwrap()
}

/// `bundle` with one more entry made on another laptop: `change` by `who`, signed with
/// `signer`'s key, at `at`, written after the entry at position `after` (so knowing
/// only the entries up to it), and the bundle signed by `signer`. Written to `file`.
pub fn with_entry(
    bundle: &Bundle,
    after: usize,
    who: &str,
    at: &str,
    change: serde_json::Value,
    signer: &Identity,
    file: &Path,
) {
    use pingshen::store::journal::Entry;
    let parent = bundle.entries[after].hash();
    let mut e = Entry::signed(
        signer,
        who,
        &bundle.inspection,
        vec![parent],
        serde_json::from_value(change).unwrap(),
    );
    e.at = pingshen::time::Stamp::parse(at).unwrap();
    e.sig = Some(signer.sign(&e.signed_bytes()));
    let mut v = payload(bundle);
    v["entries"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::to_value(&e).unwrap());
    sign_json(&v, file, signer);
}

/// `pingshen` on data dir `data`, with the suite's config dir, acting as 张三, no
/// user checklists.
pub fn pingshen(data: &Path) -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("pingshen").unwrap();
    c.env("PINGSHEN_DATA_DIR", data)
        .env("PINGSHEN_CONFIG_DIR", config_dir())
        .env("PINGSHEN_INSPECTOR", "张三")
        .env("PINGSHEN_CHECKLIST_DIR", data.join("no-user-checklists"));
    c
}

/// A copy of the tree `from` at `to` (a data dir: its lock file left out).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else if e.file_name() != "pingshen.lock" {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}
