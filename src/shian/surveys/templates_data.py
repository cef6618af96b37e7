"""The standard questionnaires shipped with the app (群众满意度, 知晓率, 支持率) and the 能问能答 bank."""

SATISFIED = [
    {"label": "满意", "score": 100},
    {"label": "比较满意", "score": 80},
    {"label": "一般", "score": 60},
    {"label": "不太满意", "score": 30},
    {"label": "不满意", "score": 0},
]
KNOWS = [{"label": "知道", "score": 100}, {"label": "听说过", "score": 60}, {"label": "不知道", "score": 0}]
SUPPORT = [
    {"label": "支持", "score": 100},
    {"label": "比较支持", "score": 80},
    {"label": "无所谓", "score": 40},
    {"label": "不支持", "score": 0},
]

TEMPLATES = {
    "satisfaction": {
        "title": "群众食品安全满意度调查",
        "intro": "为了解您对本地食品安全状况的看法，请根据您的真实感受作答。问卷匿名，约需2分钟。",
        "questions": [
            ("您对本地食品安全总体状况是否满意？", SATISFIED),
            ("您对本地肉、蛋、奶等食品的安全状况是否满意？", SATISFIED),
            ("您对本地蔬菜、水果的安全状况是否满意？", SATISFIED),
            ("您对农贸市场、超市销售食品的安全状况是否满意？", SATISFIED),
            ("您对餐馆、食堂等就餐场所的食品安全状况是否满意？", SATISFIED),
            ("您对政府开展食品安全监管工作是否满意？", SATISFIED),
            ("您对食品安全投诉举报处理情况是否满意？", SATISFIED),
            ("与一年前相比，您对本地食品安全状况的信心是否增强？", SATISFIED),
        ],
    },
    "awareness": {
        "title": "食品安全示范创建知晓率调查",
        "intro": "请根据您的了解作答，问卷匿名。",
        "questions": [
            ("您是否知道本地正在创建食品安全示范城市（县）？", KNOWS),
            ("您是否知道食品安全投诉举报电话12315？", KNOWS),
            ("您是否知道“你点我检”等群众参与的食品抽检活动？", KNOWS),
            ("您是否了解“明厨亮灶”？", KNOWS),
            ("您是否知道购买食品要索要票据、查看生产日期和保质期？", KNOWS),
        ],
    },
    "support": {
        "title": "食品安全示范创建支持率调查",
        "intro": "请根据您的真实想法作答，问卷匿名。",
        "questions": [
            ("您是否支持本地创建食品安全示范城市（县）？", SUPPORT),
            ("您是否支持加大对食品违法行为的处罚力度？", SUPPORT),
            ("您是否愿意参与食品安全志愿服务或监督活动？", SUPPORT),
        ],
    },
}


def _quiz(text, options, right, explanation):
    # The key is written first; the options are rotated so that the right one is not always "A".
    shift = len(text) % len(options)
    options = options[shift:] + options[:shift]
    right = (right - shift) % len(options)
    return (
        text,
        [
            {"label": o, "score": 100 if i == right else 0, "correct": i == right}
            for i, o in enumerate(options)
        ],
        explanation,
    )


QUIZ_BANK = [
    _quiz(
        "食品安全工作实行什么原则？",
        ["预防为主、风险管理、全程控制、社会共治", "谁生产谁负责", "属地管理", "分段监管"],
        0,
        "《食品安全法》第三条",
    ),
    _quiz(
        "食品生产经营者对其生产经营食品的安全负什么责任？",
        ["主体责任", "连带责任", "次要责任", "无责任"],
        0,
        "《食品安全法》第四条",
    ),
    _quiz("食品安全投诉举报电话是？", ["12315", "12345", "12320", "110"], 0, "市场监管投诉举报热线"),
    _quiz(
        "学校食堂食品留样应不少于多少克、保存多少小时？",
        ["125克、48小时", "50克、24小时", "100克、12小时", "200克、72小时"],
        0,
        "《学校食品安全与营养健康管理规定》",
    ),
    _quiz(
        "从事接触直接入口食品工作的人员应当每年进行什么？",
        ["健康检查，取得健康证明", "技能考试", "政审", "体能测试"],
        0,
        "《食品安全法》第四十五条",
    ),
    _quiz(
        "地方各级人民政府对本行政区域的食品安全监督管理工作负什么责任？",
        ["负责", "协助", "指导", "不负责"],
        0,
        "《食品安全法》第六条：地方政府对本行政区域食品安全负责",
    ),
    _quiz(
        "食品安全“党政同责”要求地方党委和政府主要负责人是本地区食品安全工作的？",
        ["第一责任人", "直接责任人", "分管责任人", "监督人"],
        0,
        "《地方党政领导干部食品安全责任制规定》",
    ),
    _quiz(
        "发现餐饮单位使用过期原料，应当？",
        ["责令停止使用并依法处理", "口头提醒", "不予理会", "自行销毁了事"],
        0,
        "《食品安全法》第三十四条禁止使用超过保质期的食品原料",
    ),
]


def template_questions(kind: str):
    """[(text, options, explanation)] of the standard questionnaire for `kind`."""
    if kind == "quiz":
        return QUIZ_BANK
    return [(text, options, "") for text, options in TEMPLATES[kind]["questions"]]


def template_title(kind: str) -> tuple[str, str]:
    if kind == "quiz":
        return "能问能答知识测试", "请独立作答，提交后显示得分与解析。"
    return TEMPLATES[kind]["title"], TEMPLATES[kind]["intro"]
