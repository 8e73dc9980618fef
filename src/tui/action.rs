//! What the app can be asked to do (`Action`, mostly a `Command` named in the keymap)
//! and what `update` asks the loop to do in return (`Effect`). Where a key is pressed
//! (`Context`) is in `context.rs`.

use std::path::PathBuf;

use ratatui::crossterm::event::KeyEvent;

pub use super::context::Context;
use super::jobs::JobResult;

/// A command a key can be bound to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Command {
    Quit,
    Help,
    Up,
    Down,
    Open,
    New,
    Sample,
    Delete,
    Export,
    Filter,
    NextField,
    PrevField,
    Submit,
    Cancel,
    Collapse,
    Expand,
    Toggle,
    GradeA,
    GradeB,
    GradeC,
    GradeD,
    GradeNa,
    ClearGrade,
    EditNote,
    EditAction,
    NextPending,
    PrevPending,
    NextFailed,
    Goto,
    Search,
    Summary,
    EditChecklist,
    ScrollDown,
    ScrollUp,
    Top,
    Bottom,
    Back,
    Save,
    Yes,
    No,
    Report,
    Merge,
    Compare,
    Conflicts,
    Take1,
    Take2,
    Take3,
    Take4,
    Take5,
    Take6,
    Take7,
    Take8,
    Take9,
}

impl Command {
    pub const ALL: [Command; 53] = [
        Command::Quit,
        Command::Help,
        Command::Up,
        Command::Down,
        Command::Open,
        Command::New,
        Command::Sample,
        Command::Delete,
        Command::Export,
        Command::Filter,
        Command::NextField,
        Command::PrevField,
        Command::Submit,
        Command::Cancel,
        Command::Collapse,
        Command::Expand,
        Command::Toggle,
        Command::GradeA,
        Command::GradeB,
        Command::GradeC,
        Command::GradeD,
        Command::GradeNa,
        Command::ClearGrade,
        Command::EditNote,
        Command::EditAction,
        Command::NextPending,
        Command::PrevPending,
        Command::NextFailed,
        Command::Goto,
        Command::Search,
        Command::Summary,
        Command::EditChecklist,
        Command::ScrollDown,
        Command::ScrollUp,
        Command::Top,
        Command::Bottom,
        Command::Back,
        Command::Save,
        Command::Yes,
        Command::No,
        Command::Report,
        Command::Merge,
        Command::Compare,
        Command::Conflicts,
        Command::Take1,
        Command::Take2,
        Command::Take3,
        Command::Take4,
        Command::Take5,
        Command::Take6,
        Command::Take7,
        Command::Take8,
        Command::Take9,
    ];

    /// The version-choosing commands of the conflicts view, version 1 first.
    pub const TAKE: [Command; 9] = [
        Command::Take1,
        Command::Take2,
        Command::Take3,
        Command::Take4,
        Command::Take5,
        Command::Take6,
        Command::Take7,
        Command::Take8,
        Command::Take9,
    ];

    /// For `take_N`, the version it chooses (1-based).
    pub fn version(self) -> Option<usize> {
        Command::TAKE.iter().position(|c| *c == self).map(|i| i + 1)
    }

    /// The key in the keymap file.
    pub fn name(self) -> &'static str {
        use Command::*;
        match self {
            Quit => "quit",
            Help => "help",
            Up => "up",
            Down => "down",
            Open => "open",
            New => "new",
            Sample => "sample",
            Delete => "delete",
            Export => "export",
            Filter => "filter",
            NextField => "next_field",
            PrevField => "prev_field",
            Submit => "submit",
            Cancel => "cancel",
            Collapse => "collapse",
            Expand => "expand",
            Toggle => "toggle",
            GradeA => "grade_a",
            GradeB => "grade_b",
            GradeC => "grade_c",
            GradeD => "grade_d",
            GradeNa => "grade_na",
            ClearGrade => "clear_grade",
            EditNote => "edit_note",
            EditAction => "edit_action",
            NextPending => "next_pending",
            PrevPending => "prev_pending",
            NextFailed => "next_failed",
            Goto => "goto",
            Search => "search",
            Summary => "summary",
            EditChecklist => "edit_checklist",
            ScrollDown => "scroll_down",
            ScrollUp => "scroll_up",
            Top => "top",
            Bottom => "bottom",
            Back => "back",
            Save => "save",
            Yes => "yes",
            No => "no",
            Report => "report",
            Merge => "merge",
            Compare => "compare",
            Conflicts => "conflicts",
            Take1 => "take_1",
            Take2 => "take_2",
            Take3 => "take_3",
            Take4 => "take_4",
            Take5 => "take_5",
            Take6 => "take_6",
            Take7 => "take_7",
            Take8 => "take_8",
            Take9 => "take_9",
        }
    }

    /// What the command does, for help and hints.
    pub fn label(self) -> &'static str {
        use Command::*;
        match self {
            Quit => "退出",
            Help => "帮助",
            Up => "上移",
            Down => "下移",
            Open => "打开 / 确定",
            New => "新建检查",
            Sample => "创建示例检查",
            Delete => "删除",
            Export => "导出 JSON",
            Filter => "筛选",
            NextField => "下一项",
            PrevField => "上一项",
            Submit => "创建",
            Cancel => "取消",
            Collapse => "收起",
            Expand => "展开",
            Toggle => "展开 / 收起",
            GradeA => "评为 A",
            GradeB => "评为 B",
            GradeC => "评为 C",
            GradeD => "评为 不达标",
            GradeNa => "评为 不适用",
            ClearGrade => "清除档次",
            EditNote => "备注",
            EditAction => "整改意见",
            NextPending => "下一待评",
            PrevPending => "上一待评",
            NextFailed => "下一不达标",
            Goto => "按编号跳转",
            Search => "搜索",
            Summary => "汇总",
            EditChecklist => "编辑清单文件",
            ScrollDown => "详情下翻",
            ScrollUp => "详情上翻",
            Top => "到第一条",
            Bottom => "到最后一条",
            Back => "返回",
            Save => "保存",
            Yes => "确定",
            No => "取消",
            Report => "生成评审报告（PDF）",
            Merge => "合并组员导出的文件",
            Compare => "与上次评审对比",
            Conflicts => "查看并裁定冲突",
            Take1 => "取版本 1",
            Take2 => "取版本 2",
            Take3 => "取版本 3",
            Take4 => "取版本 4",
            Take5 => "取版本 5",
            Take6 => "取版本 6",
            Take7 => "取版本 7",
            Take8 => "取版本 8",
            Take9 => "取版本 9",
        }
    }

    /// What the command does in `context`, where that differs from [`Command::label`].
    pub fn label_in(self, context: Context) -> &'static str {
        use Command::*;
        match (context, self) {
            (Context::Prompt | Context::Menu, Open) => "确定",
            (Context::Summary, Open) => "跳到所选条款",
            (Context::Summary, Up) => "上一条差距",
            (Context::Summary, Down) => "下一条差距",
            (Context::Viewer, Up | Down) => "滚动一行",
            (Context::Viewer, ScrollDown) => "下翻一页",
            (Context::Viewer, ScrollUp) => "上翻一页",
            (Context::Viewer, Back) => "关闭",
            (Context::List, Up) => "上一次检查",
            (Context::List, Down) => "下一次检查",
            (Context::List, Open) => "打开检查",
            (Context::List, Filter) => "筛选（也可直接输入中文）",
            (Context::List, Quit) => "退出",
            (Context::List, Compare) => "对比：有上次评审时直接对比，否则先选上次、再选本次",
            (Context::Conflicts, Up) => "上一个冲突条款",
            (Context::Conflicts, Down) => "下一个冲突条款",
            (Context::Conflicts, ScrollDown) => "各版本内容下翻",
            (Context::Conflicts, ScrollUp) => "各版本内容上翻",
            (Context::Compare, Up) => "上一条变化",
            (Context::Compare, Down) => "下一条变化",
            (Context::Compare, ScrollDown) => "下翻一页",
            (Context::Compare, ScrollUp) => "上翻一页",
            (Context::Compare, Top) => "到第一条变化",
            (Context::Compare, Bottom) => "到最后一条变化",
            (Context::Compare, Open) => "跳到所选条款评审",
            _ => self.label(),
        }
    }

    /// A shorter label for the status bar.
    pub fn hint_in(self, context: Context) -> &'static str {
        use Command::*;
        match (context, self) {
            (Context::Prompt | Context::Menu, Open) => "确定",
            (Context::Summary, Open) => "跳到条款",
            (Context::Summary, Down) => "选择差距条款",
            (Context::Conflicts, Down) => "下一冲突",
            (Context::Conflicts, Up) => "上一冲突",
            (Context::Compare, Down) => "选择条款",
            (Context::Compare, Open) => "跳到条款",
            (Context::Viewer, Down | Up) => "滚动",
            (Context::Viewer, Back) => "关闭",
            _ => self.hint(),
        }
    }

    /// A shorter label for the status bar, where the grade keys are one group.
    pub fn hint(self) -> &'static str {
        use Command::*;
        match self {
            GradeA => "A",
            GradeB => "B",
            GradeC => "C",
            GradeD => "不达标",
            GradeNa => "不适用",
            ClearGrade => "清除",
            Open => "打开",
            Report => "报告",
            Merge => "合并",
            Compare => "对比",
            Conflicts => "裁定冲突",
            _ => self.label(),
        }
    }

    pub fn parse(name: &str) -> Option<Command> {
        Command::ALL.into_iter().find(|c| c.name() == name)
    }
}

/// Everything `App::update` reacts to.
#[derive(Debug)]
pub enum Action {
    /// A bound key.
    Command(Command),
    /// A key no binding claimed: typed into whatever has the focus.
    Key(KeyEvent),
    /// Text pasted as one piece (bracketed paste).
    Paste(String),
    /// `$EDITOR` returned after editing a checklist file.
    ChecklistEdited {
        path: PathBuf,
        /// The editor's own failure (it could not start, or it exited with an error).
        editor_error: Option<String>,
    },
    /// A background job finished.
    JobDone(JobResult),
}

/// What the loop does for `update`: things that need the terminal or a thread.
#[derive(Debug)]
pub enum Effect {
    Quit,
    /// Leave the terminal to `$EDITOR` on `path` at `line`, then come back.
    OpenEditor {
        path: PathBuf,
        line: usize,
    },
    /// Run slow work on the worker thread.
    Spawn(super::jobs::Job),
}
