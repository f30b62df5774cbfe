"""Page furniture of a scraped government page is never the title, a unit or a citation."""
from __future__ import annotations

from pathlib import Path

import pytest

from policygraph.loaders.normalising import normalise
from policygraph.loaders.parse import parse_file
from policygraph.loaders.web_debris import debris_spans

SCRAPE = """关于加强农村集体聚餐食品安全管理的意见
当前位置：
首页
>
政策文件
begin-->某某省人民政府办公厅关于加强农村集体聚餐食品安全管理的意见
end-->
发布日期：
2023-05-06 10:00:00
浏览次数：
来源：某某省人民政府网
原文链接：http://www.example.gov.cn/zwgk/a.html
检索关键词：食品安全, 聚餐
字体：[
大
中
小
]
分享到：微信 微博
河南省人民政府办公厅
关于加强农村集体聚餐食品安全管理的意见
豫政办〔2023〕12号
各市、县人民政府，省人民政府各部门：
为保障农村集体聚餐食品安全，经省政府同意，提出如下意见。
一、落实管理责任
（一）建立聚餐申报制度。严格执行《河南省食品安全条例》。（责任单位：省市场监管局、省农业农村厅）
（二）加强厨师培训。每年培训不少于1次。（责任单位：省卫生健康委）
【原文下载】
关于加强农村集体聚餐食品安全管理的意见.pdf
【打印本页】【关闭窗口】
"""


@pytest.mark.parametrize("debris", [
    "当前位置：首页 > 政策文件 > 正文",
    "发布日期：2023-05-06",
    "发布机构: 某某市科学技术委员会",
    "来源：某某市人民政府网",
    "原文链接：http://www.example.gov.cn/a.html",
    "检索关键词：食品, 安全",
    "浏览次数：1024",
    "字体：[大中小]",
    "【原文下载】",
    "分享到：微信 微博 QQ空间",
    "http://www.example.gov.cn/a.html",
    "附件：某某县2024年工作要点.docx",
])
def test_each_kind_of_debris_line_is_deleted(debris: str) -> None:
    text = f"某某县2024年食品安全工作要点\n{debris}\n一、强化责任"
    assert normalise(text).text == "某某县2024年食品安全工作要点\n一、强化责任"


def test_label_and_value_on_separate_lines_go_together() -> None:
    text = "发布日期：\n2023-05-06\n发布机构：\n某某市人民政府办公室\n一、总体要求"
    assert normalise(text).text == "一、总体要求"


def test_comment_markers_are_deleted_where_they_stand() -> None:
    text = "begin-->某某县2024年食品安全工作要点\nend-->\n一、总体要求"
    assert [text[a:b] for a, b in debris_spans(text)] == ["begin-->", "end-->"]


def test_a_plan_sentence_with_a_colon_is_not_metadata() -> None:
    text = "一、主要来源：农村集体聚餐。\n（一）来源可追溯。（县市场监管局负责）"
    assert normalise(text).text == text


def test_a_scraped_page_reads_as_the_plan_it_carries(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text(SCRAPE, "utf-8")
    tree = parse_file(page)
    assert tree.plan.title == "关于加强农村集体聚餐食品安全管理的意见"
    assert (tree.plan.year, tree.plan.jurisdiction.name, tree.plan.issuer) == (2023, "河南省", "河南省人民政府办公厅")
    words = "".join(m.text for m in tree.measures)
    for debris in ("发布日期", "浏览次数", "当前位置", "首页", "字体", "分享到", "原文下载", "begin", ".pdf", "http"):
        assert debris not in words, debris
    cited = [c.title for m in tree.measures for c in m.citations]
    assert cited == ["河南省食品安全条例"]
