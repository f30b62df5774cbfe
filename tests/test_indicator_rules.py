"""Targets as real plans write them, on sentences written for these tests (not taken from any document).

Each test names the question an auditor asks of a plan: is this a ceiling or a floor, what exactly is counted,
by when, and is this figure a target at all or a description of the past.
"""
from __future__ import annotations

import pytest

from policygraph.loaders.indicator_numbers import chinese_value, numbers
from policygraph.loaders.indicators import extract_indicators


def _tuples(text: str) -> list[tuple[str, str, float, str]]:
    return [(i.metric, i.comparator, i.value, i.unit) for i in extract_indicators(text)]


def _deadlines(text: str) -> list[tuple[float, int | None]]:
    return [(i.value, i.deadline) for i in extract_indicators(text)]


@pytest.mark.parametrize(("text", "expected"), [
    # 超 / 超过 / 突破: more than
    ("全市规模以上工业企业数字化改造覆盖率超70%。", ("规模以上工业企业数字化改造覆盖率", ">", 70.0, "%")),
    ("年接待游客人次超过8000万人次。", ("年接待游客人次", ">", 8e7, "人次")),
    ("新能源汽车年产量突破50万辆。", ("新能源汽车年产量", ">", 5e5, "辆")),
    # 以内 / 以下 / 不超过 and verbs of cutting down: at most
    ("行政审批事项办理时限压缩至3个工作日以内。", ("行政审批事项办理时限", "<=", 3.0, "个工作日")),
    ("重点河湖断面劣V类水体比例降至5%以下。", ("重点河湖断面劣V类水体比例", "<=", 5.0, "%")),
    ("生活垃圾填埋量占比不超过10%。", ("生活垃圾填埋量占比", "<=", 10.0, "%")),
    # 以上 / 不少于 / 至少 / 达到: at least
    ("城乡居民医保参保率稳定在95%以上。", ("城乡居民医保参保率", ">=", 95.0, "%")),
    ("村级综合服务站覆盖率达到100%。", ("村级综合服务站覆盖率", ">=", 100.0, "%")),
    ("培育市级龙头企业至少20家。", ("培育市级龙头企业", ">=", 20.0, "家")),
    ("每个街道建成不少于2个社区食堂。", ("建成社区食堂数（每个街道）", ">=", 2.0, "个/街道")),
    ("新建农村公路200公里以上。", ("新建农村公路", ">=", 200.0, "公里")),
])
def test_each_comparator_word_bounds_its_number(text: str, expected: tuple[str, str, float, str]) -> None:
    assert _tuples(text) == [expected]


@pytest.mark.parametrize(("text", "expected"), [
    ("新增3～5个省级示范基地。", ("新增省级示范基地", ">=", 3.0, "个")),
    ("打造3—5个特色小镇，", ("打造特色小镇", ">=", 3.0, "个")),
    ("每年培育3-5家专精特新企业。", ("培育专精特新企业数（每年）", ">=", 3.0, "家/年")),
])
def test_a_range_is_at_least_its_lower_bound(text: str, expected: tuple[str, str, float, str]) -> None:
    assert _tuples(text) == [expected]


def test_a_rate_per_head_of_population_keeps_its_base_as_unit() -> None:
    assert _tuples("孕产妇死亡率控制在10/10万以下，婴儿死亡率控制在5‰以内。") == [
        ("孕产妇死亡率", "<=", 10.0, "/10万"), ("婴儿死亡率", "<=", 5.0, "‰")]


def test_a_score_is_a_target_in_points() -> None:
    assert _tuples("群众满意度测评得分90分以上，") == [("群众满意度测评得分", ">=", 90.0, "分")]


@pytest.mark.parametrize(("text", "expected"), [
    ("每半年至少召开一次联席会议。", ("召开联席会议数（每半年）", ">=", 1.0, "次/半年")),
    ("每季度不少于两次开展联合执法检查。", ("开展联合执法检查数（每季度）", ">=", 2.0, "次/季度")),
    ("每季度组织全体职工开展不少于1次应急演练。", ("全体职工开展应急演练数（每季度）", ">=", 1.0, "次/季度")),
])
def test_a_frequency_names_its_period(text: str, expected: tuple[str, str, float, str]) -> None:
    assert _tuples(text) == [expected]


def test_counts_in_words_need_a_target_to_bind_them() -> None:
    assert _tuples("新建两家区域医疗中心、十个社区卫生服务站。") == [
        ("新建区域医疗中心", "=", 2.0, "家"), ("新建社区卫生服务站", "=", 10.0, "个")]
    assert _tuples("打造一批示范工程，形成一个平台。") == []  # 一批, 一个: words, not targets
    assert _tuples("实现一个窗口受理、一次办结。") == []  # a slogan, not a count to reach


def test_a_list_after_a_ceiling_shares_it_and_takes_the_subject_of_the_clause_before() -> None:
    assert _tuples("年底前将不动产登记、抵押登记办理时限压缩一半，分别减至5个工作日、半个月。") == [
        ("不动产登记、抵押登记办理时限", "<=", 5.0, "个工作日"), ("不动产登记、抵押登记办理时限", "<=", 0.5, "个月")]


def test_chinese_numerals() -> None:
    assert [chinese_value(s) for s in ("一", "两", "十", "十五", "三十", "一百零八", "半")] == [
        1.0, 2.0, 10.0, 15.0, 30.0, 108.0, 0.5]
    # 百 alone is a word (百亿元产业集群), 十四五 names a plan period, not a number
    assert [n.text for n in numbers("百亿元产业集群，十四五规划，新建十五个")] == ["十五"]


def test_a_deadline_stated_once_carries_through_a_goals_unit() -> None:
    goals = ("二、发展目标\n到2025年，全区创新能力显著增强。\n——研发投入强度达到3%。\n——新增高新技术企业200家。\n"
             "2030年前，建成科创高地，高新技术企业总数达到1000家。")
    assert _deadlines(goals) == [(3.0, 2025), (200.0, 2025), (1000.0, 2030)]
    assert _tuples(goals)[0][0] == "研发投入强度比例"  # the bullet is not part of the metric


def test_a_heading_year_is_the_deadline_of_a_goals_unit() -> None:
    assert _deadlines("1.完成2024年安全生产指标任务。事故起数下降10%以上，企业培训覆盖率达到100%。") == [
        (10.0, 2024), (100.0, 2024)]


def test_in_a_task_unit_a_year_governs_its_own_sentence() -> None:
    assert _deadlines("3.强化监管。到2022年，完成全部摸排。重点企业抽检合格率达到98%。") == [(98.0, None)]
    assert _deadlines("2021年底前新建审批服务站50个，2022年底前新建30个。") == [(50.0, 2021), (30.0, 2022)]
    assert _deadlines("将出口退税平均办理时间压减至5个工作日以内，2022年全面推广电子退库。") == [(5.0, None)]


@pytest.mark.parametrize("text", [
    "（一）发展现状。“十三五”以来，全区地区生产总值年均增长6.5%，研发投入强度达到2.8%。",
    "（一）工作回顾\n2022年，全市新建充电桩3000个，覆盖率达到90%。",
    "截至2022年底，全省已建成5G基站10万个，行政村通达率达到95%。",
    "城市绿化覆盖率已达到42%。",
])
def test_achieved_values_are_not_targets(text: str) -> None:
    assert extract_indicators(text) == []


@pytest.mark.parametrize("text", [
    "2023年12月31日前完成。",  # a date
    "依据第12条、第15条规定执行。",  # article numbers
    "项目总投资50亿元，建设周期3年。",  # money in a description
    "每年推动解决1～2项突出问题。",  # a yearly effort with no bound
])
def test_numbers_that_are_not_targets(text: str) -> None:
    assert extract_indicators(text) == []
