"""Reading a Chinese regulation into 章/节/条/款."""

import io

import docx
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from legislation.forms import DraftForm
from legislation.parsing import MSG_NO_ARTICLES, chinese_to_int, docx_to_text, int_to_chinese, parse_text, split_article_prefix
from tests.legislation.conftest import V1


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("一", 1),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("二十一", 21),
        ("九十九", 99),
        ("一百", 100),
        ("一百零二", 102),
        ("一百一十", 110),
        ("一百二十三", 123),
        ("两百", 200),
        ("一千零一", 1001),
        ("12", 12),
        ("１２", 12),
    ],
)
def test_chinese_numerals_are_read(text, number):
    assert chinese_to_int(text) == number


@pytest.mark.parametrize("n", [1, 9, 10, 11, 20, 21, 99, 100, 101, 102, 110, 119, 120, 999, 1001, 1010])
def test_numbers_round_trip_through_chinese(n):
    assert chinese_to_int(int_to_chinese(n)) == n


def test_regulation_with_chapters_and_articles_is_parsed():
    parsed = parse_text(V1)
    assert parsed.preamble == ["太原市电动自行车安全管理条例", "（草案征求意见稿）"]
    chapters = [(i.label, i.title) for i in parsed.items if getattr(i, "kind", "") == "chapter"]
    assert chapters == [
        ("第一章", "总则"),
        ("第二章", "生产、销售和维修"),
        ("第三章", "登记和通行"),
        ("第四章", "停放和充电"),
        ("第五章", "法律责任"),
        ("第六章", "附则"),
    ]
    arts = parsed.articles
    assert [a.number for a in arts] == list(range(1, 23))
    assert arts[20].label == "第二十一条" and arts[20].number == 21
    assert arts[20].chapter == "第五章 法律责任"
    # 第四条 has three 款; 第八条 keeps its items （一）（二）（三） as lines.
    assert len(arts[3].paragraphs) == 3 and arts[3].paragraphs[2].startswith("居民委员会")
    assert arts[7].paragraphs == [
        "维修者不得从事下列行为：",
        "（一）改装电动自行车的限速装置；",
        "（二）更换不符合国家标准的蓄电池；",
        "（三）其他影响电动自行车安全性能的改装。",
    ]
    assert arts[0].paragraphs[0].startswith("为了加强电动自行车安全管理")


def test_article_numbers_past_one_hundred_and_sections():
    text = "第一章 总则\n第一节 一般规定\n第一条 甲。\n第二节 特别规定\n第一百零一条 乙。\n第一百零二条　丙。\n第二款的内容。"
    parsed = parse_text(text)
    assert [(a.number, a.label) for a in parsed.articles] == [(1, "第一条"), (101, "第一百零一条"), (102, "第一百零二条")]
    assert parsed.articles[2].paragraphs == ["丙。", "第二款的内容。"]
    assert [i.label for i in parsed.items if getattr(i, "kind", "") == "section"] == ["第一节", "第二节"]


def test_a_text_without_articles_is_refused_with_a_message():
    with pytest.raises(ValidationError) as exc:
        parse_text("关于加强物业管理的几点意见\n一、总体要求")
    assert exc.value.messages == [str(MSG_NO_ARTICLES)]


def test_a_mention_of_another_article_inside_the_text_is_not_a_heading():
    parsed = parse_text("第十八条 违反本条例第七条规定的，依法处罚。\n依照第八条处理。")
    assert len(parsed.articles) == 1 and parsed.articles[0].paragraphs[1] == "依照第八条处理。"


def _docx_bytes(lines):
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_docx_upload_is_read_into_articles():
    data = _docx_bytes(V1.split("\n"))
    text = docx_to_text(io.BytesIO(data))
    assert len(parse_text(text).articles) == 22
    form = DraftForm(
        data={"title": "草案", "issuing_body": "法工委", "opens_on": "2026-01-01", "closes_on": "2026-02-15"},
        files={"docx": SimpleUploadedFile("草案.docx", data)},
        stations=_no_stations(),
    )
    assert form.is_valid(), form.errors
    assert len(form.cleaned_data["parsed"].articles) == 22


def _no_stations():
    from stations.models import Station

    return Station.objects.none()


@pytest.mark.django_db
def test_a_damaged_docx_gets_a_message_not_a_500():
    form = DraftForm(
        data={"title": "草案", "issuing_body": "法工委", "opens_on": "2026-01-01", "closes_on": "2026-02-15"},
        files={"docx": SimpleUploadedFile("草案.docx", b"PK\x03\x04 not really a zip")},
        stations=_no_stations(),
    )
    assert not form.is_valid()
    assert "打不开" in form.errors["docx"][0]


def test_forum_lines_name_their_article():
    assert split_article_prefix("第十二条：时速太低") == (12, "时速太低")
    assert split_article_prefix("第二十一条 罚款偏低") == (21, "罚款偏低")
    assert split_article_prefix("总体上赞成") == (None, "总体上赞成")
