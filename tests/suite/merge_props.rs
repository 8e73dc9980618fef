//! Merging is a union of journal entries: whatever three laptops did, in whatever
//! interleaving of work and exchanges, merging their files gives the same record in
//! any order, and merging again changes nothing.

use std::collections::BTreeSet;

use pingshen::scoring::Grade;
use pingshen::store::{Bundle, Edit, Store};
use proptest::prelude::*;

use crate::common::{self, export_to, trusting};

const ITEMS: [&str; 4] = ["1.1.1", "1.1.2", "1.2.1", "1.2.2"];
const GRADES: [Grade; 4] = [Grade::A, Grade::B, Grade::C, Grade::D];

/// One step of one laptop: a change, or taking in another laptop's file.
#[derive(Debug, Clone)]
enum Step {
    Grade {
        laptop: usize,
        item: usize,
        grade: usize,
    },
    Note {
        laptop: usize,
        item: usize,
        text: u8,
    },
    Exchange {
        from: usize,
        to: usize,
    },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0..3usize, 0..ITEMS.len(), 0..GRADES.len())
            .prop_map(|(laptop, item, grade)| Step::Grade { laptop, item, grade }),
        2 => (0..3usize, 0..ITEMS.len(), 0..3u8)
            .prop_map(|(laptop, item, text)| Step::Note { laptop, item, text }),
        2 => (0..3usize, 0..3usize).prop_map(|(from, to)| Step::Exchange { from, to }),
    ]
}

/// What a store holds of the inspection, independent of journal order.
fn state(store: &Store, id: &str) -> (String, String, BTreeSet<String>) {
    let assessments = serde_json::to_string(&store.assessments(id).unwrap()).unwrap();
    let conflicts = serde_json::to_string(&store.conflicts(id).unwrap()).unwrap();
    let entries = store
        .history(id, None)
        .unwrap()
        .into_iter()
        .map(|h| h.entry)
        .collect();
    (assessments, conflicts, entries)
}

fn merged(
    files: &[&Bundle],
    id: &str,
    trust: &pingshen::identity::keys::TrustStore,
) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    for b in files {
        store
            .merge(&[("文件".into(), (*b).clone())], trust)
            .unwrap();
    }
    assert!(store.get(id).is_ok());
    (dir, store)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn three_laptops_merge_the_same_in_any_order(steps in prop::collection::vec(step(), 1..24)) {
        let root = tempfile::tempdir().unwrap();
        let (lead, insp) = common::store_with_inspection(&root.path().join("lead"), "township-2022");
        let base = export_to(&lead, &insp.id, &root.path().join("base.pingshen"));
        let laptops: Vec<(tempfile::TempDir, Store)> = (0..3)
            .map(|_| {
                let d = tempfile::tempdir().unwrap();
                let s = Store::open(d.path()).unwrap();
                s.import(&base, &trusting(&[&base])).unwrap();
                (d, s)
            })
            .collect();
        let who = ["甲", "乙", "丙"];
        for (n, s) in steps.iter().enumerate() {
            match s {
                Step::Grade { laptop, item, grade } => {
                    laptops[*laptop].1
                        .update(&insp.id, ITEMS[*item], &[Edit::Grade(Some(GRADES[*grade]))], who[*laptop])
                        .unwrap();
                }
                Step::Note { laptop, item, text } => {
                    laptops[*laptop].1
                        .update(&insp.id, ITEMS[*item], &[Edit::Note(format!("记录{text}"))], who[*laptop])
                        .unwrap();
                }
                Step::Exchange { from, to } if from != to => {
                    let b = export_to(&laptops[*from].1, &insp.id, &root.path().join(format!("x{n}.pingshen")));
                    laptops[*to].1.merge(&[("x".into(), b.clone())], &trusting(&[&b])).unwrap();
                }
                Step::Exchange { .. } => {}
            }
        }
        let files: Vec<Bundle> = laptops
            .iter()
            .enumerate()
            .map(|(k, (_, s))| export_to(s, &insp.id, &root.path().join(format!("final{k}.pingshen"))))
            .collect();
        let trust = trusting(&files.iter().collect::<Vec<_>>());
        let orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
        let mut seen = None;
        for order in orders {
            let list: Vec<&Bundle> = order.iter().map(|&k| &files[k]).collect();
            let (_d, store) = merged(&list, &insp.id, &trust);
            let got = state(&store, &insp.id);
            // Merging every file again, and one twice, changes nothing.
            for b in list.iter().chain([&list[0]]) {
                let again = store.merge(&[("again".into(), (*b).clone())], &trust).unwrap();
                prop_assert!(!again.changed);
            }
            prop_assert_eq!(&state(&store, &insp.id), &got);
            match &seen {
                None => seen = Some(got),
                Some(first) => prop_assert_eq!(first, &got, "order {:?}", order),
            }
        }
        // All three at once is the same as one by one.
        let (_d, at_once) = {
            let dir = tempfile::tempdir().unwrap();
            let store = Store::open(dir.path()).unwrap();
            let named: Vec<(String, Bundle)> = files.iter().map(|b| ("f".to_string(), b.clone())).collect();
            store.merge(&named, &trust).unwrap();
            (dir, store)
        };
        prop_assert_eq!(seen.as_ref(), Some(&state(&at_once, &insp.id)));
    }
}
