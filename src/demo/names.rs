//! Chinese names for the demo county: people, branches, villages, shops.

pub const COUNTY: (&str, &str) = ("371426", "平原县（演示）");

/// Branches (支局): name, urban?
pub const BRANCHES: &[(&str, bool)] = &[
    ("王凤楼支局", false),
    ("恩城支局", false),
    ("腰站支局", false),
    ("前曹支局", false),
    ("王杲铺支局", false),
    ("坊子支局", false),
    ("城区支局", true),
    ("龙门街道支局", true),
];

pub const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
    "罗",
];

pub const GIVEN: &[&str] = &[
    "建国", "秀英", "志强", "桂兰", "海涛", "玉梅", "立新", "春华", "振华", "淑珍", "国强", "红梅", "德胜", "晓燕",
    "明亮", "丽娟", "洪波", "凤英", "永刚", "翠花", "宝山", "金凤", "卫东", "素芳",
];

/// First parts of village names.
pub const VILLAGE_HEADS: &[&str] = &[
    "王", "李", "张", "刘", "前", "后", "东", "西", "南", "北", "大", "小", "高", "孙", "马", "杨", "赵", "柳", "桑",
    "杏", "枣", "石", "双", "三",
];

/// Second parts of village names.
pub const VILLAGE_TAILS: &[&str] = &[
    "庄", "屯", "家集", "家寨", "官庄", "庄村", "堤口", "店", "楼", "洼", "营", "家铺", "桥", "河沿", "坡", "庙",
];

/// Urban communities and streets.
pub const COMMUNITIES: &[&str] = &[
    "龙门",
    "文化路",
    "新华街",
    "平安",
    "东关",
    "西关",
    "南关",
    "北关",
    "开发区",
    "利民",
    "幸福里",
    "建设街",
    "人民路",
    "广场",
    "站前",
    "花园",
    "阳光",
    "兴隆",
    "福康",
    "振兴",
];

/// Shops that host urban stations.
pub const SHOPS: &[&str] = &[
    "鑫源超市",
    "便民商店",
    "惠民药店",
    "家家乐超市",
    "联华便利",
    "诚信通讯",
    "百姓药房",
    "好又多超市",
    "万家福",
    "金源副食",
];

/// `name` if no one in `taken` has it, else the same surname with the
/// next given name of [`GIVEN`] that no one has (every surname is one
/// character).
pub fn unique_among(name: &str, taken: &std::collections::HashSet<String>) -> String {
    if !taken.contains(name) {
        return name.to_string();
    }
    let surname: String = name.chars().take(1).collect();
    let given: String = name.chars().skip(1).collect();
    let start = GIVEN.iter().position(|g| *g == given).unwrap_or(0);
    (1..=GIVEN.len())
        .map(|k| format!("{surname}{}", GIVEN[(start + k) % GIVEN.len()]))
        .find(|candidate| !taken.contains(candidate))
        // More people in one branch than given names: numbered.
        .unwrap_or_else(|| format!("{name}{}", taken.len() + 1))
}
