//! Popups over a screen, one per file: each has its state, its key handling (which
//! returns a [`Step`]) and its drawing (no I/O). What a popup asks the app to do is a
//! [`Followup`], run by `App` where the store is.

mod confirm;
mod evidence;
mod facility_menu;
mod filter_menu;
mod follow_up_menu;
mod help;
mod message;
mod note_editor;
mod phrase_menu;
mod plan_form;
mod prompt;

pub use confirm::{Confirm, Confirmation, RepinOffer};
pub use evidence::{
    EvidenceList, EvidencePicker, PickFile, evidence_line, folder_files, size_text,
};
pub use facility_menu::FacilityMenu;
pub use filter_menu::FilterMenu;
pub use follow_up_menu::FollowUpMenu;
pub use help::HelpView;
pub use message::{MessageLine, MessageView};
pub use note_editor::{NoteEditor, TextField};
pub use phrase_menu::PhraseMenu;
pub use plan_form::PlanForm;
pub use prompt::{Prompt, PromptKind};

use ratatui::Frame;
use ratatui::layout::Rect;

use super::action::{Action, Context};
use super::app::Options;
use super::keymap::Keymap;
use super::screens::Filter;

pub enum Popup {
    Confirm(Confirm),
    Help(HelpView),
    Message(MessageView),
    Prompt(Prompt),
    FilterMenu(FilterMenu),
    NoteEditor(Box<NoteEditor>),
    EvidencePicker(Box<EvidencePicker>),
    EvidenceList(EvidenceList),
    PhraseMenu(PhraseMenu),
    FacilityMenu(Box<FacilityMenu>),
    PlanForm(Box<PlanForm>),
    FollowUpMenu(Box<FollowUpMenu>),
}

/// What a popup did with an action.
#[derive(Default)]
pub struct Step {
    /// Stay open.
    pub keep: bool,
    pub followup: Option<Followup>,
}

impl Step {
    pub fn keep() -> Step {
        Step {
            keep: true,
            followup: None,
        }
    }
    pub fn close() -> Step {
        Step::default()
    }
    pub fn keep_and(f: Followup) -> Step {
        Step {
            keep: true,
            followup: Some(f),
        }
    }
    pub fn close_and(f: Followup) -> Step {
        Step {
            keep: false,
            followup: Some(f),
        }
    }
}

/// What the app does for a popup.
pub enum Followup {
    Confirmed(Confirmation),
    /// Write the edited note or 整改意见; the editor stays open until it is saved.
    SaveText {
        field: TextField,
        item_id: String,
        text: String,
    },
    /// Esc in the editor: ask first when there are changes.
    DiscardText {
        dirty: bool,
    },
    /// The phrase key in the editor: the menu of the item's 常用评语.
    OpenPhrases {
        field: TextField,
        item_id: String,
    },
    /// A phrase chosen in the menu, to insert at the editor's caret.
    InsertPhrase(String),
    /// A registered facility chosen for the new-inspection form.
    PickFacility(Box<crate::store::Facility>),
    /// The prompt's text changed (live search and filter).
    PromptChanged(PromptKind, String),
    /// Enter (`Some`) or Esc (`None`) in a prompt.
    PromptDone(PromptKind, Option<String>),
    SetFilter(Filter),
    /// Open this folder with the system's file manager.
    OpenFolder(std::path::PathBuf),
    /// Copy these files into the store as evidence of the item.
    Attach {
        item_id: String,
        files: Vec<std::path::PathBuf>,
    },
    /// Open the kept file with the system's viewer.
    OpenEvidence(crate::store::Evidence),
    /// Ask, then record the evidence's removal from the item.
    RemoveEvidence {
        item_id: String,
        evidence: crate::store::Evidence,
    },
    /// Save the 整改安排 from the form; the form stays open until it is saved.
    SavePlan {
        item_id: String,
        owner: String,
        /// As typed: checked by the store's date rule.
        due: String,
        status: crate::store::ActionStatus,
    },
    /// Record what was found of the previous review's 整改意见 on the item.
    SetFollowUp {
        item_id: String,
        found: Option<crate::store::FollowUp>,
    },
}

impl Popup {
    pub fn context(&self) -> Context {
        match self {
            Popup::Confirm(_) => Context::Confirm,
            Popup::Help(_) | Popup::Message(_) => Context::Viewer,
            Popup::Prompt(_) => Context::Prompt,
            Popup::FilterMenu(_)
            | Popup::EvidencePicker(_)
            | Popup::EvidenceList(_)
            | Popup::PhraseMenu(_)
            | Popup::FacilityMenu(_)
            | Popup::FollowUpMenu(_) => Context::Menu,
            Popup::NoteEditor(_) => Context::Editor,
            Popup::PlanForm(_) => Context::Form,
        }
    }

    pub fn confirm(what: Confirmation, keymap: &Keymap) -> Popup {
        Popup::Confirm(Confirm::new(what, keymap))
    }

    pub fn message(title: impl Into<String>, lines: Vec<String>) -> Popup {
        Popup::Message(MessageView::new(
            title,
            lines.into_iter().map(MessageLine::Text).collect(),
        ))
    }

    /// A message with headings or verbatim lines.
    pub fn message_lines(title: impl Into<String>, lines: Vec<MessageLine>) -> Popup {
        Popup::Message(MessageView::new(title, lines))
    }

    pub fn help(keymap: &Keymap, here: Context, options: &Options) -> Popup {
        Popup::Help(HelpView::new(keymap, here, options))
    }

    pub fn update(&mut self, action: Action, keymap: &Keymap) -> Step {
        match self {
            Popup::Confirm(p) => p.update(action),
            Popup::Help(p) => p.viewer.update(action),
            Popup::Message(p) => p.update(action),
            Popup::Prompt(p) => p.update(action),
            Popup::FilterMenu(p) => p.update(action),
            Popup::EvidencePicker(p) => p.update(action),
            Popup::EvidenceList(p) => p.update(action),
            Popup::NoteEditor(p) => p.update(action, keymap),
            Popup::PhraseMenu(p) => p.update(action),
            Popup::FacilityMenu(p) => p.update(action),
            Popup::PlanForm(p) => p.update(action),
            Popup::FollowUpMenu(p) => p.update(action),
        }
    }

    /// Draws the popup over `area`; returns where the terminal cursor goes, if anywhere.
    /// `caret`: the caret of what is under it (the editor under the phrase menu),
    /// which the popup leaves in view.
    pub fn draw(
        &self,
        frame: &mut Frame,
        area: Rect,
        keymap: &Keymap,
        caret: Option<ratatui::layout::Position>,
    ) -> Option<ratatui::layout::Position> {
        match self {
            Popup::Confirm(p) => {
                p.draw(frame, area, keymap);
                None
            }
            Popup::Help(p) => {
                p.viewer.draw(frame, area, keymap);
                None
            }
            Popup::Message(p) => {
                p.draw(frame, area, keymap);
                None
            }
            Popup::Prompt(p) => p.draw(frame, area, keymap),
            Popup::FilterMenu(p) => {
                p.draw(frame, area, keymap);
                None
            }
            Popup::EvidencePicker(p) => {
                p.draw(frame, area, keymap);
                None
            }
            Popup::EvidenceList(p) => {
                p.draw(frame, area, keymap);
                None
            }
            Popup::NoteEditor(p) => p.draw(frame, area, keymap),
            Popup::PhraseMenu(p) => {
                p.draw(frame, area, keymap, caret);
                None
            }
            Popup::PlanForm(p) => p.draw(frame, area, keymap),
            Popup::FacilityMenu(p) => {
                p.draw(frame, area, keymap);
                None
            }
            Popup::FollowUpMenu(p) => {
                p.draw(frame, area, keymap);
                None
            }
        }
    }
}

/// Blanks `rect` for a popup. A wide character just left of it would reach into
/// its first column and break its border, so that character is blanked too.
pub fn clear(frame: &mut Frame, rect: Rect) {
    frame.render_widget(ratatui::widgets::Clear, rect);
    if rect.x == 0 {
        return;
    }
    let buf = frame.buffer_mut();
    for y in rect.y..rect.y + rect.height {
        if let Some(cell) = buf.cell_mut((rect.x - 1, y))
            && unicode_width::UnicodeWidthStr::width(cell.symbol()) > 1
        {
            cell.set_symbol(" ");
        }
    }
}

/// A rectangle of `width` × `height` cells centred in `area`, clamped to it.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}
