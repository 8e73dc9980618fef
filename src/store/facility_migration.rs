//! Inspections made before facilities were kept (or arrived from a laptop whose
//! register this one lacks) are put under registered facilities: grouped on name and
//! region as typed, each group linked to the registered facility of that spelling or
//! to a new one. Spellings that differ only in spaces or full-width / half-width
//! forms ([`same_key`]) are near-duplicates: reported, and merged into one facility
//! only when the user confirms. [`Store::facility_plan`] says what would happen and
//! writes nothing; [`Store::migrate_facilities`] does it.

use std::collections::BTreeMap;

use super::error::Result;
use super::facility::{Facility, FacilityDraft, same_key};
use super::journal::Change;
use super::model::Institution;
use super::{Overview, Store};

/// One spelling of a facility and the inspections typed with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spelling {
    /// As on the newest of its inspections (type, head and phone too).
    pub institution: Institution,
    /// Inspection ids, newest first.
    pub inspections: Vec<String>,
}

/// What the migration would do.
#[derive(Debug, Clone, Default)]
pub struct FacilityPlan {
    /// Inspections already under a registered facility (untouched).
    pub linked: usize,
    /// Spellings with a registered facility of exactly that name and region.
    pub to_existing: Vec<(Facility, Spelling)>,
    /// Spellings that become a new facility.
    pub to_new: Vec<Spelling>,
    /// Near-duplicates: two or more spellings of one facility, most inspections first;
    /// with the registered facility they match, if one.
    pub near: Vec<(Option<Facility>, Vec<Spelling>)>,
}

impl FacilityPlan {
    /// Inspections the migration would link (near-duplicates only when confirmed).
    pub fn inspections(&self, merge_near: bool) -> usize {
        let n = |s: &[Spelling]| s.iter().map(|s| s.inspections.len()).sum::<usize>();
        self.to_existing
            .iter()
            .map(|(_, s)| s.inspections.len())
            .sum::<usize>()
            + n(&self.to_new)
            + if merge_near {
                self.near.iter().map(|(_, s)| n(s)).sum()
            } else {
                0
            }
    }

    pub fn is_empty(&self) -> bool {
        self.to_existing.is_empty() && self.to_new.is_empty() && self.near.is_empty()
    }
}

/// What the migration did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Migrated {
    /// Facilities registered.
    pub registered: usize,
    /// Inspections linked.
    pub linked: usize,
    /// Spellings left out, with why (a facility cannot be made of them).
    pub skipped: Vec<(Spelling, String)>,
    /// Near-duplicate groups left for the user to confirm.
    pub near_left: usize,
}

impl Store {
    /// Groups the inspections not under a registered facility. Reads the overviews
    /// and the register; writes nothing. The sample is left out.
    pub fn facility_plan(&self) -> Result<FacilityPlan> {
        let register = self.facilities()?;
        let mut plan = FacilityPlan::default();
        // Newest first, as overviews come.
        let overviews: Vec<Overview> = self.overviews()?;
        let mut spellings: BTreeMap<(String, String), Spelling> = BTreeMap::new();
        for o in overviews.iter().filter(|o| !o.inspection.sample) {
            let i = &o.inspection;
            if i.facility
                .as_deref()
                .and_then(|f| register.resolve(f))
                .is_some()
            {
                plan.linked += 1;
                continue;
            }
            spellings
                .entry((i.institution.name.clone(), i.institution.region.clone()))
                .or_insert_with(|| Spelling {
                    institution: i.institution.clone(),
                    inspections: Vec::new(),
                })
                .inspections
                .push(i.id.clone());
        }
        let mut by_key: BTreeMap<String, Vec<Spelling>> = BTreeMap::new();
        for ((name, region), s) in spellings {
            by_key.entry(same_key(&name, &region)).or_default().push(s);
        }
        for (_, mut group) in by_key {
            let i = &group[0].institution;
            let registered = register.matching(&i.name, &i.region).cloned();
            let exact = |f: &Facility, s: &Spelling| {
                f.name == s.institution.name && f.region == s.institution.region
            };
            match (group.len(), registered) {
                (1, Some(f)) if exact(&f, &group[0]) => {
                    plan.to_existing.push((f, group.remove(0)));
                }
                (1, None) => plan.to_new.push(group.remove(0)),
                (_, registered) => {
                    group.sort_by(|a, b| {
                        b.inspections
                            .len()
                            .cmp(&a.inspections.len())
                            .then(a.institution.name.cmp(&b.institution.name))
                    });
                    plan.near.push((registered, group));
                }
            }
        }
        Ok(plan)
    }

    /// Carries out [`Store::facility_plan`] as `by`: registers the new facilities (one
    /// append to the register), then records each inspection's facility in its own
    /// journal. Near-duplicates are merged into one facility only with `merge_near`:
    /// the registered one, else the spelling most inspections use.
    pub fn migrate_facilities(&self, merge_near: bool, by: &str) -> Result<Migrated> {
        let plan = self.facility_plan()?;
        let mut out = Migrated::default();
        let mut links: Vec<(Goes, Vec<String>)> = Vec::new();
        let mut drafts: Vec<FacilityDraft> = Vec::new();
        let mut new = |s: &Spelling, out: &mut Migrated| -> Option<usize> {
            let draft = FacilityDraft::of_institution(&s.institution);
            match draft.checked(&Facility::blank("0000000000".into())) {
                Ok(_) => {
                    drafts.push(draft);
                    Some(drafts.len() - 1)
                }
                Err(why) => {
                    out.skipped.push((s.clone(), why));
                    None
                }
            }
        };
        for (f, s) in &plan.to_existing {
            links.push((Goes::Existing(f.id.clone()), s.inspections.clone()));
        }
        for s in &plan.to_new {
            if let Some(n) = new(s, &mut out) {
                links.push((Goes::New(n), s.inspections.clone()));
            }
        }
        if merge_near {
            for (registered, group) in &plan.near {
                let all: Vec<String> = group
                    .iter()
                    .flat_map(|s| s.inspections.iter().cloned())
                    .collect();
                match registered {
                    Some(f) => links.push((Goes::Existing(f.id.clone()), all)),
                    None => {
                        if let Some(n) = new(&group[0], &mut out) {
                            links.push((Goes::New(n), all));
                        }
                    }
                }
            }
        } else {
            out.near_left = plan.near.len();
        }
        let made = self.add_facilities(&drafts, by)?;
        out.registered = made.len();
        for (to, inspections) in links {
            let id = match to {
                Goes::Existing(id) => id,
                Goes::New(n) => made[n].id.clone(),
            };
            for inspection in inspections {
                let old = self.get(&inspection)?.facility;
                if old.as_deref() == Some(id.as_str()) {
                    continue;
                }
                self.record(
                    &inspection,
                    by,
                    vec![Change::Facility {
                        old,
                        new: Some(id.clone()),
                    }],
                )?;
                out.linked += 1;
            }
        }
        Ok(out)
    }

    /// Puts inspection `id` under facility `facility` (an id, its first digits or its
    /// name), recorded as `by`'s. Allowed on a completed inspection: which facility
    /// was reviewed is not a grade. Returns the facility; nothing is written when the
    /// inspection is already under it.
    pub fn assign_facility(&self, id: &str, facility: &str, by: &str) -> Result<Facility> {
        let inspection = self.get(id)?;
        let register = self.facilities()?;
        let f = register
            .find(facility)
            .map_err(super::StoreError::Invalid)?
            .clone();
        if inspection.facility.as_deref() != Some(f.id.as_str()) {
            self.record(
                &inspection.id,
                by,
                vec![Change::Facility {
                    old: inspection.facility.clone(),
                    new: Some(f.id.clone()),
                }],
            )?;
        }
        Ok(f)
    }
}

/// Where a spelling's inspections go: a registered facility, or the n-th new one.
enum Goes {
    Existing(String),
    New(usize),
}
