//! The new-inspection form: every field the store keeps, checked field by field with
//! the message next to the field; the checklist is chosen from the shipped ones and
//! the user checklist dir.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use crate::checklist::{Catalog, Origin};
use crate::store::{Facility, Institution, NewInspection, ReviewKind};
use crate::tui::action::{Action, Command, Effect};
use crate::tui::app::{App, Status, View};
use crate::tui::line_input::LineInput;
use crate::tui::popups::{Confirmation, Popup};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldId {
    Name,
    Region,
    InstitutionType,
    Head,
    Phone,
    ReviewKind,
    Organiser,
    Date,
    Inspectors,
    Checklist,
    Create,
}

impl FieldId {
    pub const ALL: [FieldId; 11] = [
        FieldId::Name,
        FieldId::Region,
        FieldId::InstitutionType,
        FieldId::Head,
        FieldId::Phone,
        FieldId::ReviewKind,
        FieldId::Organiser,
        FieldId::Date,
        FieldId::Inspectors,
        FieldId::Checklist,
        FieldId::Create,
    ];

    pub fn label(self) -> &'static str {
        match self {
            FieldId::Name => "机构名称",
            FieldId::Region => "所在区县",
            FieldId::InstitutionType => "机构类型",
            FieldId::Head => "机构负责人",
            FieldId::Phone => "联系电话",
            FieldId::ReviewKind => "评审类型",
            FieldId::Organiser => "组织单位",
            FieldId::Date => "评审日期",
            FieldId::Inspectors => "评审专家",
            FieldId::Checklist => "评审清单",
            FieldId::Create => "",
        }
    }

    pub fn required(self) -> bool {
        matches!(
            self,
            FieldId::Name
                | FieldId::Region
                | FieldId::Date
                | FieldId::Inspectors
                | FieldId::Checklist
        )
    }

    /// A choice among fixed values (←/→) rather than typed text.
    pub fn is_choice(self) -> bool {
        matches!(self, FieldId::ReviewKind | FieldId::Checklist)
    }
}

pub struct NewInspectionForm {
    pub name: LineInput,
    pub region: LineInput,
    pub institution_type: LineInput,
    pub head: LineInput,
    pub phone: LineInput,
    pub organiser: LineInput,
    pub date: LineInput,
    pub inspectors: LineInput,
    /// Index into `ReviewKind::ALL`.
    pub review_kind: usize,
    /// Index into `catalog.available`.
    pub checklist: usize,
    pub catalog: Catalog,
    pub focus: FieldId,
    /// Problems found on the last submit, by field.
    pub errors: Vec<(FieldId, String)>,
    /// User checklist files that could not be loaded (so are not offered).
    pub catalog_problems: Vec<String>,
    /// The checklists are still being read.
    pub scanning: bool,
    /// Submitted while the checklists were being read: submit once they are.
    pub submit_when_read: bool,
    today: String,
    /// What the last form created with, offered again.
    remembered: Remembered,
    /// The facility register, by pinyin: what [`Command::PickFacility`] offers.
    pub facilities: Vec<Facility>,
}

/// What the form remembers between runs: the last checklist, inspectors and
/// organising unit, in the config dir's `new-form.toml` (beside `acting.toml`; never
/// in the data dir).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Remembered {
    #[serde(default)]
    pub checklist: String,
    #[serde(default)]
    pub inspectors: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub organiser: String,
}

fn remembered_file(config_dir: &std::path::Path) -> std::path::PathBuf {
    config_dir.join("new-form.toml")
}

impl Remembered {
    /// What was kept (nothing when there is no file or it does not read: the form
    /// then starts empty, which loses nothing).
    pub fn load(config_dir: Option<&std::path::Path>) -> Remembered {
        config_dir
            .and_then(|d| std::fs::read_to_string(remembered_file(d)).ok())
            .and_then(|t| toml::from_str::<Remembered>(&t).ok())
            .map(|r| Remembered {
                checklist: crate::text::clean_line(&r.checklist),
                inspectors: r
                    .inspectors
                    .iter()
                    .map(|n| crate::text::clean_line(n))
                    .filter(|n| !n.is_empty())
                    .take(crate::store::gate::INSPECTORS_MAX)
                    .collect(),
                organiser: crate::text::clean_line(&r.organiser)
                    .chars()
                    .take(crate::store::gate::SHORT_TEXT_MAX)
                    .collect(),
            })
            .unwrap_or_default()
    }

    /// Keeps it for the next form; a failure only means an empty form then.
    pub fn save(&self, config_dir: Option<&std::path::Path>) {
        let Some(dir) = config_dir else {
            return;
        };
        if let Ok(text) = toml::to_string(self) {
            let text = format!(
                "# pingshen 新建检查时上次用的清单、评审专家和组织单位（下次预先填好）\n{text}"
            );
            let _ = crate::store::write_atomically(&remembered_file(dir), text);
        }
    }
}

impl NewInspectionForm {
    /// The form, open at once while the checklists are read on a worker: the fields
    /// can be typed meanwhile, and [`NewInspectionForm::set_catalog`] fills in the
    /// checklists when the scan reports.
    pub fn new(today: &str, remembered: Remembered) -> NewInspectionForm {
        NewInspectionForm {
            name: LineInput::default(),
            region: LineInput::default(),
            institution_type: LineInput::default(),
            head: LineInput::default(),
            phone: LineInput::default(),
            organiser: LineInput::new(&remembered.organiser),
            date: LineInput::new(today),
            inspectors: LineInput::new(&remembered.inspectors.join("、")),
            review_kind: ReviewKind::ALL
                .iter()
                .position(|k| *k == ReviewKind::District)
                .unwrap_or(0),
            checklist: 0,
            catalog: Catalog::default(),
            scanning: true,
            submit_when_read: false,
            focus: FieldId::Name,
            errors: Vec::new(),
            catalog_problems: Vec::new(),
            today: today.to_string(),
            remembered,
            facilities: Vec::new(),
        }
    }

    /// The registered facilities the name typed so far finds (all when it is empty).
    pub fn facility_matches(&self) -> Vec<Facility> {
        let query = crate::text::search::Query::parse(self.name.text());
        self.facilities
            .iter()
            .filter(|f| query.matches([f.name.as_str()]))
            .cloned()
            .collect()
    }

    /// Fills the institution's fields from a registered facility.
    pub fn fill_from(&mut self, f: &Facility) {
        self.name = LineInput::new(&f.name);
        self.region = LineInput::new(&f.region);
        self.institution_type = LineInput::new(&f.kind);
        self.head = LineInput::new(&f.head);
        self.phone = LineInput::new(&f.phone);
        self.errors.retain(|(field, _)| {
            !matches!(
                field,
                FieldId::Name
                    | FieldId::Region
                    | FieldId::InstitutionType
                    | FieldId::Head
                    | FieldId::Phone
            )
        });
        self.focus = FieldId::ReviewKind;
    }

    /// The checklists found: the choice, the problems to show, and the institution
    /// type (unless one was typed meanwhile).
    pub fn set_catalog(&mut self, catalog: Catalog) {
        let mut problems: Vec<String> = catalog
            .broken
            .iter()
            .map(|(origin, diags)| {
                format!(
                    "{origin}：{} 处错误，未列出（用 pingshen check 查看）",
                    diags.len()
                )
            })
            .collect();
        problems.extend(catalog.unreadable.iter().map(|e| e.to_string()));
        self.catalog = catalog;
        self.catalog_problems = problems;
        self.scanning = false;
        // The checklist used last time, when it is still there.
        self.checklist = self
            .catalog
            .available
            .iter()
            .position(|a| a.checklist.id == self.remembered.checklist)
            .unwrap_or(0);
        if self.institution_type.text().trim().is_empty() {
            self.institution_type = LineInput::new(&self.default_type());
        }
    }

    fn default_type(&self) -> String {
        self.catalog
            .available
            .get(self.checklist)
            .map(|a| a.checklist.institution_type.clone())
            .unwrap_or_default()
    }

    pub fn input(&self, field: FieldId) -> Option<&LineInput> {
        match field {
            FieldId::Name => Some(&self.name),
            FieldId::Region => Some(&self.region),
            FieldId::InstitutionType => Some(&self.institution_type),
            FieldId::Head => Some(&self.head),
            FieldId::Phone => Some(&self.phone),
            FieldId::Organiser => Some(&self.organiser),
            FieldId::Date => Some(&self.date),
            FieldId::Inspectors => Some(&self.inspectors),
            _ => None,
        }
    }

    fn input_mut(&mut self, field: FieldId) -> Option<&mut LineInput> {
        match field {
            FieldId::Name => Some(&mut self.name),
            FieldId::Region => Some(&mut self.region),
            FieldId::InstitutionType => Some(&mut self.institution_type),
            FieldId::Head => Some(&mut self.head),
            FieldId::Phone => Some(&mut self.phone),
            FieldId::Organiser => Some(&mut self.organiser),
            FieldId::Date => Some(&mut self.date),
            FieldId::Inspectors => Some(&mut self.inspectors),
            _ => None,
        }
    }

    /// The shown value of a choice field.
    pub fn choice_text(&self, field: FieldId) -> String {
        match field {
            FieldId::ReviewKind => ReviewKind::ALL[self.review_kind].label().to_string(),
            FieldId::Checklist => match self.catalog.available.get(self.checklist) {
                Some(a) => {
                    let origin = match &a.source.origin {
                        Origin::Builtin(_) => "内置".to_string(),
                        Origin::File(p) => format!("用户清单 {}", p.display()),
                    };
                    format!("{}（{}，{origin}）", a.checklist.title, a.checklist.id)
                }
                None if self.scanning => "（正在读取清单…）".to_string(),
                None => "（没有可用的清单）".to_string(),
            },
            _ => String::new(),
        }
    }

    pub fn error(&self, field: FieldId) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, e)| e.as_str())
    }

    /// Anything typed that would be lost by leaving (what the form filled in by
    /// itself is not).
    pub fn is_dirty(&self) -> bool {
        [&self.name, &self.region, &self.head, &self.phone]
            .iter()
            .any(|i| !i.is_empty())
            || self.date.text() != self.today
            || self.inspector_names() != self.remembered.inspectors
            || self.organiser.text().trim() != self.remembered.organiser
    }

    fn move_focus(&mut self, delta: isize) {
        let n = FieldId::ALL.len() as isize;
        let i = FieldId::ALL
            .iter()
            .position(|f| *f == self.focus)
            .unwrap_or(0) as isize;
        self.focus = FieldId::ALL[(i + delta).rem_euclid(n) as usize];
    }

    fn cycle_choice(&mut self, delta: isize) {
        match self.focus {
            FieldId::ReviewKind => {
                let n = ReviewKind::ALL.len() as isize;
                self.review_kind = (self.review_kind as isize + delta).rem_euclid(n) as usize;
            }
            FieldId::Checklist => {
                let n = self.catalog.available.len() as isize;
                if n == 0 {
                    return;
                }
                let old_default = self.default_type();
                self.checklist = (self.checklist as isize + delta).rem_euclid(n) as usize;
                let t = self.institution_type.text().trim();
                if t.is_empty() || t == old_default {
                    self.institution_type = LineInput::new(&self.default_type());
                }
            }
            _ => {}
        }
    }

    pub fn inspector_names(&self) -> Vec<String> {
        crate::store::split_names(self.inspectors.text())
    }

    /// Checks every field by the store's own rules (the ones `pingshen new` applies);
    /// the problems are kept for display next to their fields.
    pub fn check(&mut self) -> Option<NewInspection> {
        use crate::store::NewField;
        let new = NewInspection {
            institution: Institution {
                name: self.name.text().to_string(),
                region: self.region.text().to_string(),
                kind: self.institution_type.text().to_string(),
                head: self.head.text().to_string(),
                phone: self.phone.text().to_string(),
            },
            review_kind: ReviewKind::ALL[self.review_kind],
            date: self.date.text().to_string(),
            inspectors: self.inspector_names(),
            sample: false,
            organiser: self.organiser.text().to_string(),
        }
        .cleaned();
        let mut errors: Vec<(FieldId, String)> = new
            .problems()
            .into_iter()
            .map(|(field, why)| {
                let id = match field {
                    NewField::Name => FieldId::Name,
                    NewField::Region => FieldId::Region,
                    NewField::Kind => FieldId::InstitutionType,
                    NewField::Head => FieldId::Head,
                    NewField::Phone => FieldId::Phone,
                    NewField::Date => FieldId::Date,
                    NewField::Inspectors => FieldId::Inspectors,
                    NewField::Organiser => FieldId::Organiser,
                };
                (id, why)
            })
            .collect();
        if self.catalog.available.get(self.checklist).is_none() {
            errors.push((FieldId::Checklist, "没有可用的清单".to_string()));
        }
        // Shown in the order of the form, so the cursor goes to the first one.
        errors.sort_by_key(|(id, _)| FieldId::ALL.iter().position(|f| f == id));
        self.errors = errors;
        if let Some((first, _)) = self.errors.first() {
            self.focus = *first;
            return None;
        }
        Some(new)
    }

    fn key(&mut self, key: KeyEvent) {
        if self.focus.is_choice() {
            match key.code {
                KeyCode::Left => self.cycle_choice(-1),
                KeyCode::Right | KeyCode::Char(' ') => self.cycle_choice(1),
                _ => {}
            }
        } else if let Some(input) = self.input_mut(self.focus) {
            input.handle_key(&key);
        }
    }
}

impl App {
    /// A facility chosen in the register menu: its fields into the form.
    pub(crate) fn pick_facility(&mut self, f: &Facility) {
        if let View::Form(form) = &mut self.view {
            form.fill_from(f);
            self.status = Some(Status::info(format!(
                "已从机构名录填入「{}」（{}）",
                f.name, f.region
            )));
        }
    }

    /// The register for the form, by pinyin; one that cannot be read offers nothing
    /// (the form still creates, outside the register, and says so).
    pub(crate) fn register_for_form(&self) -> Vec<Facility> {
        let mut all: Vec<Facility> = self
            .store
            .facilities()
            .map(|r| r.facilities().cloned().collect())
            .unwrap_or_default();
        all.sort_by_cached_key(|f| {
            (
                crate::text::order::pinyin_key(&f.name),
                crate::text::order::pinyin_key(&f.region),
            )
        });
        all
    }

    pub(crate) fn form_action(&mut self, action: Action) -> Vec<Effect> {
        let View::Form(form) = &mut self.view else {
            return Vec::new();
        };
        match action {
            Action::Command(Command::NextField) if form.focus == FieldId::Create => {
                self.submit_form()
            }
            Action::Command(Command::NextField) => form.move_focus(1),
            Action::Command(Command::PrevField) => form.move_focus(-1),
            Action::Command(Command::PickFacility) => {
                let menu = crate::tui::popups::FacilityMenu::new(
                    form.name.text(),
                    form.facility_matches(),
                );
                self.popups.push(Popup::FacilityMenu(Box::new(menu)));
            }
            Action::Command(Command::Submit) => self.submit_form(),
            Action::Command(Command::Cancel) => {
                if form.is_dirty() {
                    self.popups
                        .push(Popup::confirm(Confirmation::CancelForm, &self.keymap));
                } else {
                    self.view = View::List;
                }
            }
            Action::Key(key) => form.key(key),
            Action::Paste(text) => {
                let focus = form.focus;
                if let Some(input) = form.input_mut(focus) {
                    input.insert(&text);
                }
            }
            _ => {}
        }
        Vec::new()
    }

    pub(crate) fn submit_form(&mut self) {
        let View::Form(form) = &mut self.view else {
            return;
        };
        if form.scanning {
            // Created as soon as the checklists are read: nothing typed is lost.
            form.submit_when_read = true;
            self.status = Some(Status::info("正在读取清单，读取完成后自动创建…"));
            return;
        }
        let Some(new) = form.check() else {
            self.status = Some(Status::error("有必填项未填或格式不对，见各项下方的提示"));
            return;
        };
        let Some(found) = form.catalog.available.get(form.checklist) else {
            return;
        };
        let (checklist, source) = (found.checklist.clone(), found.source.clone());
        let by = match self.actor_of(super::NEW_FORM, &new.clone().cleaned().inspectors) {
            Some(by) => by,
            None => {
                let asking = super::Asking {
                    key: super::NEW_FORM.to_string(),
                    inspectors: new.cleaned().inspectors,
                    then: super::AfterWho::SubmitForm,
                };
                self.ask(asking);
                return;
            }
        };
        let cleaned = new.clone().cleaned();
        let remember = Remembered {
            checklist: checklist.id.clone(),
            inspectors: cleaned.inspectors,
            organiser: cleaned.organiser,
        };
        match self.store.create(new, &checklist, &source, &by) {
            Ok(inspection) => {
                remember.save(self.options.config_dir.as_deref());
                self.acting.remove(super::NEW_FORM);
                self.acting.insert(inspection.id.clone(), by);
                self.save_acting();
                self.view = View::List;
                self.list.reload(&self.store);
                self.open_walkthrough(&inspection.id);
                self.status = Some(Status::saved(format!(
                    "已创建检查「{}」，编号 {}",
                    inspection.institution.name, inspection.id
                )));
            }
            Err(e) => self.status = Some(Status::error(format!("未创建：{e}"))),
        }
    }
}
