//! The shipped checklists load, validate and match what checklists/README.md says of
//! them; the format example in that README is itself a valid checklist.

use pingshen::checklist::{Level, MAX_PRINTED_ERRORS, Tier, builtin_sources, parse_checklist};

const README: &str = include_str!("../../checklists/README.md");

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
    assert_eq!(stated.len(), builtin_sources().len(), "README table rows");
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
        assert!(items >= 15, "{name}");
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
fn every_shipped_checklist_checks_without_warnings() {
    for source in builtin_sources() {
        let c = source.parse().unwrap();
        let w = pingshen::checklist::warnings(&c, &source.text, &source.origin.to_string());
        assert!(w.is_empty(), "{}", w[0]);
        assert!(
            source.text.contains("不是官方") || source.text.contains("不是《"),
            "{}",
            c.id
        );
        assert!(c.source.contains("不是"), "{}", c.id);
    }
}

#[test]
fn shipped_checklists_are_complete_and_checkable() {
    for source in builtin_sources() {
        let c = source.parse().unwrap();
        if !c.id.ends_with("-2022") {
            continue; // the service-capability standards have the four chapters
        }
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
    // The example a province copies passes without warnings too.
    let w = pingshen::checklist::warnings(&c, &README[start..end], "README example");
    assert!(w.is_empty(), "{}", w[0]);
}

/// The README's format example.
fn readme_example() -> &'static str {
    let start = README.find("```toml\n").unwrap() + 8;
    let end = start + README[start..].find("```").unwrap();
    &README[start..end]
}

/// The spellings the README's table of accepted spellings gives for `key`.
fn stated_spellings(key: &str) -> Vec<String> {
    README
        .lines()
        .filter(|l| l.starts_with(&format!("| `{key}` |")))
        .map(|l| l.split('|').map(str::trim).collect::<Vec<_>>())
        // Not the row of the key's own table (必填: 是/否/仅…).
        .filter(|cells| !["是", "否"].contains(&cells[2]) && !cells[2].starts_with('仅'))
        .flat_map(|cells| {
            cells[3]
                .split('、')
                .map(|s| s.trim_matches(['`', '"']).to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The quoted words of the hint given for `key = "不存在"` in the example.
fn hinted_spellings(from: &str, to: &str) -> Vec<String> {
    let text = readme_example().replacen(from, to, 1);
    let diags = parse_checklist(&text, "x").expect_err("refused");
    let mut words: Vec<String> = diags[0]
        .help
        .split('"')
        .skip(1)
        .step_by(2)
        .filter(|w| *w != "N")
        .map(str::to_string)
        .collect();
    words.sort();
    words.dedup();
    words
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn the_readme_lists_exactly_the_spellings_the_loader_accepts_and_hints() {
    let tiers = stated_spellings("tier");
    assert_eq!(tiers.len(), 6, "{tiers:?}");
    assert_eq!(
        sorted(tiers.clone()),
        hinted_spellings("tier = \"基本标准\"", "tier = \"不存在\"")
    );
    for t in &tiers {
        assert!(Tier::parse(t).is_some(), "{t}");
        assert!(Tier::parse(&t.to_uppercase()).is_some(), "{t}");
    }

    let selects = stated_spellings("select");
    assert_eq!(selects.len(), 13, "{selects:?}");
    assert_eq!(
        sorted(selects.clone()),
        hinted_spellings("select = \"core\"", "select = \"不存在\"")
    );
    for s in &selects {
        let text = readme_example().replacen(
            "select = \"core\"",
            &format!("select = \"{s}\"\n  chapter = \"1\""),
            1,
        );
        let result = parse_checklist(&text, "x");
        let chapter_rule = s == "chapter" || s == "章";
        // `chapter` is only allowed with select = "chapter".
        assert_eq!(result.is_ok(), chapter_rule, "{s}");
        if !chapter_rule {
            let text =
                readme_example().replacen("select = \"core\"", &format!("select = \"{s}\""), 1);
            assert!(parse_checklist(&text, "x").is_ok(), "{s}");
        }
    }

    let grades = stated_spellings("min_grade");
    assert_eq!(grades, ["A", "B", "C"]);
    assert_eq!(
        grades,
        hinted_spellings("min_grade = \"B\"", "min_grade = \"不存在\"")
    );
    for g in &grades {
        assert!(Level::parse(g).is_some() && Level::parse(&g.to_lowercase()).is_some());
    }
}

#[test]
fn the_readme_states_the_error_cap_of_pingshen_check() {
    assert!(
        README.contains(&format!("最多列出 {MAX_PRINTED_ERRORS} 个")),
        "checklists/README.md must say how many errors pingshen check lists"
    );
}
