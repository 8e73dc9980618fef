//! Shared test setup: the one fixture builder ([`Fixture`]), a store in a temporary
//! directory with one inspection, grades written in one transaction.

use std::path::Path;

use pingshen::checklist::{Catalog, Checklist, Source, parse_checklist};
use pingshen::scoring::Grade;
use pingshen::store::{Edit, Inspection, Institution, NewInspection, ReviewKind, Store};

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
        store.create(self.0, &c, &s).expect("inspection created")
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
