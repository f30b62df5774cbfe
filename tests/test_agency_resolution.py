"""Which body a name means depends on the plan it is written in: resolution by jurisdiction.

Every statement here is written for the test; none is copied from a corpus document.
"""
from __future__ import annotations

import pytest

from policygraph.graph.model import agency_id
from policygraph.loaders.agencies import parse_responsibility
from policygraph.loaders.agency_vocab import vocabulary
from policygraph.loaders.model import AgencyRef, Jurisdiction

SHANGHAI = Jurisdiction(name="上海市", level="province")
BEIJING = Jurisdiction(name="北京市", level="province")
TIANJIN = Jurisdiction(name="天津市", level="province")
XIAMEN = Jurisdiction(name="厦门市", level="city", parents=["福建省"])
PUDONG = Jurisdiction(name="浦东新区", level="county", parents=["上海市"])
XIPING = Jurisdiction(name="西平县", level="county", parents=["驻马店市", "河南省"])
SHANDONG = Jurisdiction(name="山东省", level="province")
FUJIAN = Jurisdiction(name="福建省", level="province")
CHINA = Jurisdiction(name="中国", level="national")


def read(text: str, plan: Jurisdiction) -> list[AgencyRef]:
    found = parse_responsibility(text, 0, plan)
    assert found is not None, text
    return found


def one(text: str, plan: Jurisdiction) -> AgencyRef:
    (found,) = read(text, plan)
    return found


@pytest.mark.parametrize("written, plan, name, level", [
    ("市科委", SHANGHAI, "上海市科学技术委员会", "province"),
    ("市科委", BEIJING, "北京市科学技术委员会", "province"),
    ("市科委", TIANJIN, "天津市科学技术局", "province"),          # 天津 has a 局, not a 委
    ("市科委", XIAMEN, "厦门市科学技术局", "city"),
    ("市科委", PUDONG, "上海市科学技术委员会", "province"),        # a district plan names the municipality's body
    ("市经济信息化委", SHANGHAI, "上海市经济和信息化委员会", "province"),
    ("市经济和信息化局", BEIJING, "北京市经济和信息化局", "province"),
    ("市经信委", XIAMEN, "厦门市工业和信息化局", "city"),
    ("市规划资源局", SHANGHAI, "上海市规划和自然资源局", "province"),
    ("市住房城乡建设管理委", SHANGHAI, "上海市住房和城乡建设管理委员会", "province"),
    ("市交通委", SHANGHAI, "上海市交通委员会", "province"),
    ("市交通委", XIAMEN, "厦门市交通运输局", "city"),
    ("市城管执法局", SHANGHAI, "上海市城市管理行政执法局", "province"),
    ("市教委", SHANGHAI, "上海市教育委员会", "province"),
    ("市商务委", SHANGHAI, "上海市商务委员会", "province"),
    ("市国防科工办", SHANGHAI, "上海市国防科技工业办公室", "province"),
    ("区市场监管局", PUDONG, "浦东新区市场监督管理局", "county"),
    ("省应急厅", SHANDONG, "山东省应急管理厅", "province"),
    ("省疾控局", SHANDONG, "山东省疾病预防控制局", "province"),
    ("省消防救援局", SHANDONG, "山东省消防救援局", "province"),
    ("县税务局", XIPING, "国家税务总局西平县税务局", "county"),
])
def test_a_local_body_is_named_as_its_own_place_names_it(written: str, plan: Jurisdiction, name: str,
                                                          level: str) -> None:
    got = one(written + "负责", plan)
    assert (got.name, got.level) == (name, level)


@pytest.mark.parametrize("written, name, functions", [
    ("财政部", "中华人民共和国财政部", ["财政"]),
    ("国家发展改革委", "中华人民共和国国家发展和改革委员会", ["发展改革"]),
    ("工信部", "中华人民共和国工业和信息化部", ["工业和信息化"]),
    ("人力资源社会保障部", "中华人民共和国人力资源和社会保障部", ["人力资源社会保障"]),
    ("住房城乡建设部", "中华人民共和国住房和城乡建设部", ["住房城乡建设"]),
    ("市场监管总局", "国家市场监督管理总局", ["市场监管"]),
    ("税务总局", "国家税务总局", ["税务"]),
    ("银保监会", "中国银行保险监督管理委员会", ["银行保险监管"]),
    ("国家药监局", "国家药品监督管理局", ["药品监管"]),
    ("国家医保局", "国家医疗保障局", ["医疗保障"]),
    ("应急部", "中华人民共和国应急管理部", ["应急管理"]),
    ("中央网信办", "中央网络安全和信息化委员会办公室", ["网信"]),
    ("海关总署", "中华人民共和国海关总署", ["海关"]),
    ("国家知识产权局", "国家知识产权局", ["知识产权"]),
    ("人民银行", "中国人民银行", ["人民银行"]),
])
def test_a_national_body_is_national_in_every_plan(written: str, name: str, functions: list[str]) -> None:
    for plan in (CHINA, SHANGHAI, XIPING):
        got = one(written + "牵头", plan)
        assert (got.name, got.level, got.functions, got.jurisdiction) == (name, "national", functions, "中华人民共和国")


def test_a_national_plan_reads_an_unprefixed_ministry_as_the_national_one() -> None:
    got = read("发展改革委、卫生健康委按职责分工负责", CHINA)
    assert [(a.name, a.level) for a in got] == [("中华人民共和国国家发展和改革委员会", "national"),
                                                ("中华人民共和国国家卫生健康委员会", "national")]
    # the same words in a county plan stay the county's bodies
    assert [a.level for a in read("发展改革委、卫生健康委按职责分工负责", XIPING)] == ["county", "county"]


def test_a_misspelt_national_body_is_still_read_but_a_local_bureau_is_not_taken_for_one() -> None:
    assert one("国家发展改委负责", CHINA).name == "中华人民共和国国家发展和改革委员会"
    assert one("农业农村局负责", XIPING).name == "西平县农业农村局"   # not 农业农村部 one letter away


@pytest.mark.parametrize("written, plan, name, level, functions", [
    ("上海海关", SHANGHAI, "中华人民共和国上海海关", "province", ["海关"]),
    ("中国人民银行上海总部", SHANGHAI, "中国人民银行上海总部", "province", ["人民银行"]),
    ("上海金融监管局", SHANGHAI, "国家金融监督管理总局上海监管局", "province", ["银行保险监管"]),
    ("上海证监局", SHANGHAI, "中国证券监督管理委员会上海监管局", "province", ["证券监管"]),
    ("上海市税务局", SHANGHAI, "国家税务总局上海市税务局", "province", ["税务"]),
    ("福建出入境检验检疫局", FUJIAN, "中华人民共和国福建出入境检验检疫局", "province", ["海关"]),
    ("厦门出入境检验检疫局", FUJIAN, "中华人民共和国厦门出入境检验检疫局", "city", ["海关"]),
    ("厦门海关", FUJIAN, "中华人民共和国厦门海关", "city", ["海关"]),
])
def test_a_local_office_of_a_national_system_has_its_places_level(written: str, plan: Jurisdiction, name: str,
                                                                   level: str, functions: list[str]) -> None:
    got = one(written + "配合", plan)
    assert (got.name, got.level, got.functions, got.role) == (name, level, functions, "support")


def test_a_unit_of_a_national_body_keeps_its_name_and_the_bodys_function() -> None:
    got = one("国家药品监督管理局药品审评检查华东分中心负责", SHANGHAI)
    assert (got.name, got.level, got.functions) == ("国家药品监督管理局药品审评检查华东分中心", "national", ["药品监管"])


@pytest.mark.parametrize("written, plan, name", [
    ("省委政法委", SHANDONG, "中共山东省委政法委员会"),
    ("省委编办", SHANDONG, "中共山东省委机构编制委员会办公室"),
    ("省委社会工作部", SHANDONG, "中共山东省委社会工作部"),
    ("市委宣传部", SHANGHAI, "中共上海市委宣传部"),
    ("市委金融办", SHANGHAI, "中共上海市委金融委员会办公室"),
    ("团省委", SHANDONG, "共青团山东省委员会"),
    ("团县委", XIPING, "共青团西平县委员会"),
])
def test_party_organs_and_the_youth_league_take_their_full_names(written: str, plan: Jurisdiction, name: str) -> None:
    assert one(written + "负责", plan).name == name


def test_a_bare_financial_office_is_the_governments_and_after_wei_the_partys() -> None:
    assert one("市金融办负责", XIAMEN).name == "厦门市地方金融监督管理局"
    assert one("市委金融办负责", XIAMEN).functions == ["金融"]


@pytest.mark.parametrize("written, name", [
    ("青浦区政府", "上海市青浦区人民政府"),
    ("嘉定区人民政府", "上海市嘉定区人民政府"),
])
def test_a_named_districts_government_in_a_municipal_plan(written: str, name: str) -> None:
    got = one(written + "牵头", SHANGHAI)
    assert (got.name, got.level, got.functions, got.role) == (name, "county", ["区政府"], "lead")


def test_a_development_zones_committee_is_named_in_the_plans_place() -> None:
    got = one("滨江新片区管委会负责", SHANGHAI)
    assert (got.name, got.level, got.functions) == ("上海市滨江新片区管理委员会", "province", ["开发区管理"])


@pytest.mark.parametrize("text, plan, collectives", [
    ("财政部、海关总署等国务院相关部门及各地区按职责分工负责", CHINA,
     [("国务院相关部门", "national"), ("各地区", "province")]),
    ("各地区、各部门负责", CHINA, [("各地区", "province"), ("各部门", "national")]),
    ("市场监管总局及相关地区按职责分工负责", CHINA, [("相关地区", "province")]),
    ("工业和信息化部、公安部等相关单位按职责分工负责", CHINA, [("相关单位", "national")]),
    ("市科委、市经济信息化委、相关区", SHANGHAI, [("相关区", "county")]),
    ("市科委、各区政府", SHANGHAI, [("各区政府", "county")]),
    ("各有关单位", SHANGHAI, [("各有关单位", "province")]),
    ("省教育厅、各相关单位", SHANDONG, [("各相关单位", "province")]),
    ("县财政局、各有关单位", XIPING, [("各有关单位", "county")]),
    ("省公安厅、各市人民政府负责", SHANDONG, [("各市人民政府", "city")]),
])
def test_collectives_are_bodies_of_their_own_with_the_plans_levels(text: str, plan: Jurisdiction,
                                                                   collectives: list[tuple[str, str]]) -> None:
    got = read(text, plan)
    assert [(a.name, a.level) for a in got if a.collective] == collectives
    # X、Y等国务院相关部门 lists X and Y as well as the collective
    assert all(a.as_written in text for a in got)


def test_a_district_government_heading_collective_carries_the_district_function() -> None:
    got = one("上海市区级人民政府", SHANGHAI)
    assert (got.name, got.level, got.functions, got.collective) == ("上海市区级人民政府", "county", ["区政府"], True)


def test_the_same_collective_in_two_places_is_two_agency_nodes() -> None:
    shanghai, beijing = one("各有关单位", SHANGHAI), one("各有关单位", BEIJING)
    assert shanghai.name == beijing.name
    assert agency_id(shanghai.name, shanghai.jurisdiction) != agency_id(beijing.name, beijing.jurisdiction)
    kewei = [one("市科委负责", p) for p in (SHANGHAI, BEIJING)]
    assert len({agency_id(a.name, a.jurisdiction) for a in kewei}) == 2
    # a national body is one node whichever plan names it
    assert len({agency_id(one("财政部负责", p).name, one("财政部负责", p).jurisdiction)
                for p in (CHINA, SHANGHAI, XIPING)}) == 1
    # names that carry their place keep the id they always had
    assert agency_id("红旗区农业农村局", "红旗区") == agency_id("红旗区农业农村局")


def test_historical_bodies_of_older_plans_keep_their_written_names() -> None:
    got = read("省经贸委承办，省农业厅、卫生厅、环保局、质监局、工商局协办", FUJIAN)
    assert [(a.name, a.role) for a in got] == [
        ("福建省经济贸易委员会", "lead"), ("福建省农业厅", "support"), ("福建省卫生厅", "support"),
        ("福建省环境保护局", "support"), ("福建省质量技术监督局", "support"), ("福建省工商行政管理局", "support")]
    assert got[0].functions == ["工业和信息化", "商务"]


NEW_DOMAINS = ["应急管理", "金融", "银行保险监管", "数据管理", "税务", "统计", "国有资产监管", "药品监管", "医疗保障",
               "知识产权", "消防救援", "外事", "人民银行", "国防科技工业", "城市运行管理", "区域合作", "开发区管理",
               "机构编制", "区政府", "社会工作", "人才"]


def test_the_function_list_covers_the_domains_of_real_plans() -> None:
    vocab = vocabulary()
    assert set(NEW_DOMAINS) <= vocab.functions
    used = {f for e in (*vocab.bodies, *vocab.national.values()) for f in e.functions}
    assert set(NEW_DOMAINS) <= used | {b for br in vocab.branches for b in br.functions}


@pytest.mark.parametrize("written, function", [
    ("市应急局", "应急管理"), ("市地方金融监管局", "金融"), ("市数据局", "数据管理"), ("市统计局", "统计"),
    ("市国资委", "国有资产监管"), ("市药品监管局", "药品监管"), ("市医保局", "医疗保障"), ("市知识产权局", "知识产权"),
    ("市外办", "外事"), ("市城运中心", "城市运行管理"), ("市委编办", "机构编制"), ("市人才局", "人才"),
])
def test_each_new_domain_is_reached_from_a_written_name(written: str, function: str) -> None:
    assert one(written + "负责", SHANGHAI).functions == [function]


@pytest.mark.parametrize("place, statement, expected", [
    ("西藏自治区", "自治区市场监管局牵头，自治区卫生健康委配合",
     [("西藏自治区市场监督管理局", "province", "lead"), ("西藏自治区卫生健康委员会", "province", "support")]),
    ("阿里地区", "地区市场监管局负责", [("阿里地区市场监督管理局", "city", "responsible")]),
    ("长阳土家族自治县", "自治县农业农村局负责", [("长阳土家族自治县农业农村局", "county", "responsible")]),
])
def test_level_words_longer_than_one_character_name_the_place_once(place: str, statement: str,
                                                                    expected: list[tuple[str, str, str]]) -> None:
    from policygraph.loaders.jurisdictions import resolve

    plan = resolve(place)
    assert plan is not None
    found = parse_responsibility(statement, 0, plan) or []
    assert [(a.name, a.level, a.role) for a in found] == expected
