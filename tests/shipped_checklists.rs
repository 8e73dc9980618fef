//! The shipped checklists load, validate and match what checklists/README.md says of
//! them; the format example in that README is itself a valid checklist.

use pingshen::checklist::{Tier, builtin_sources, parse_checklist};

const README: &str = include_str!("../checklists/README.md");

/// Rows of the README's table: (file, items, core, recommended, chapters, sections).
fn stated_counts() -> Vec<(String, usize, usize, usize, usize, usize)> {
    README
        .lines()
        .filter(|l| l.starts_with("| `") && l.contains(".toml`"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let n = |i: usize| cells[i].parse::<usize>().unwrap();
            (
                cells[1].trim_matches('`').to_string(),
                n(5),
                n(6),
                n(7),
                n(3),
                n(4),
            )
        })
        .collect()
}

#[test]
fn shipped_checklists_have_the_counts_the_readme_states() {
    let stated = stated_counts();
    assert_eq!(stated.len(), 2, "README table rows");
    for source in builtin_sources() {
        let name = source
            .origin
            .to_string()
            .trim_start_matches("内置:")
            .to_string();
        let c = source
            .parse()
            .unwrap_or_else(|d| panic!("{name}: {}", d[0]));
        let (_, items, core, recommended, chapters, sections) = stated
            .iter()
            .find(|r| r.0 == name)
            .expect("stated in README")
            .clone();
        let all: Vec<_> = c.items().map(|(_, _, i)| i).collect();
        assert_eq!(all.len(), items, "{name} items");
        assert!(items >= 90);
        assert_eq!(all.iter().filter(|i| i.core).count(), core, "{name} core");
        assert_eq!(
            all.iter().filter(|i| i.tier == Tier::Recommended).count(),
            recommended
        );
        assert_eq!(c.chapters.len(), chapters);
        assert_eq!(
            c.chapters.iter().map(|ch| ch.sections.len()).sum::<usize>(),
            sections
        );
    }
}

#[test]
fn shipped_checklists_are_complete_and_checkable() {
    for source in builtin_sources() {
        let c = source.parse().unwrap();
        let titles: Vec<&str> = c.chapters.iter().map(|ch| ch.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "功能任务与资源配置",
                "基本医疗与公共卫生服务",
                "业务管理",
                "综合管理"
            ]
        );
        let names: Vec<&str> = c.verdicts.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["达到推荐标准", "达到基本标准"]);
        // Plainly marked as the project's own wording, not the official text.
        assert!(source.text.contains("不是官方"), "{}", c.id);
        for (_, _, item) in c.items() {
            assert!(!item.methods.is_empty(), "{}", item.id);
            assert!(!(item.core && item.allow_na), "{}", item.id);
        }
    }
}

#[test]
fn the_township_checklist_covers_what_differs_from_a_community_centre() {
    let sources = builtin_sources();
    let township = sources
        .iter()
        .find(|s| s.text.contains("id = \"township-2022\""))
        .unwrap();
    let text = &township.text;
    for needle in ["五统一", "巡诊", "村卫生室", "手术", "住院", "中医阁"] {
        assert!(text.contains(needle), "township checklist lacks {needle}");
    }
}

#[test]
fn the_format_example_in_the_readme_loads() {
    let start = README.find("```toml\n").unwrap() + 8;
    let end = start + README[start..].find("```").unwrap();
    let c = parse_checklist(&README[start..end], "README example")
        .unwrap_or_else(|d| panic!("{}", d[0]));
    assert_eq!(c.item_count(), 2);
}
