//! 常用评语 in the note and 整改意见 editors: the phrase key opens the menu of what
//! the domain offers for the item ([`crate::checklist::phrases::offered`], the order
//! `pingshen phrases` prints), and the phrase chosen goes in at the editor's caret.

use crate::checklist::phrases::{PHRASES_FILE, offered};
use crate::tui::app::App;
use crate::tui::popups::{PhraseMenu, Popup, TextField};

impl App {
    /// Opens the menu of item `item_id`'s phrases over the editor of `field`.
    pub(crate) fn open_phrases(&mut self, field: TextField, item_id: &str) {
        let Some(w) = self.walk.as_ref() else {
            return;
        };
        let phrases = offered(
            &w.checklist,
            item_id,
            &self.phrases,
            w.assessments.values().flat_map(|a| a.written()),
        );
        let problem = self.phrases_problem.then(|| {
            format!("你的常用评语文件（{PHRASES_FILE}）有误，其中的评语没有列出；启动时的提示或 pingshen phrases 会指出错在哪一行。")
        });
        let file = self.options.config_dir.as_ref().map(|d| {
            crate::text::for_terminal_line(&d.join(PHRASES_FILE).display().to_string()).into_owned()
        });
        let menu = PhraseMenu::new(item_id, field.label(), phrases, problem, file);
        self.popups.push(Popup::PhraseMenu(menu));
    }

    /// Inserts `text` at the caret of the editor under the menu just closed.
    pub(crate) fn insert_phrase(&mut self, text: &str) {
        if let Some(Popup::NoteEditor(editor)) = self.popups.last_mut() {
            editor.insert(text);
        }
    }
}
