"""Document fields: title, published, jurisdiction (with GB/T 2260 code) and type."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.clean import clean_text
from pipeline.extract.context import DocumentContext
from pipeline.extract.document_fields import (
    _places_in,
    extract_document_fields,
    parse_date,
    places,
    published_in_cut_footer,
)
from pipeline.textview import TextView

# (id, text, title, published, jurisdiction, code, doc_type)
GOLDEN = [
    (
        "news-behind-breadcrumb",
        "您当前所在位置:首页>>新闻\n烟台推进质量强市建设\n2024-03-05 10:20 来源:烟台日报\n"
        "本报讯(记者 王明)近日,烟台市出台质量强市实施方案。",
        "烟台推进质量强市建设",
        date(2024, 3, 5),
        "烟台市",
        "370600",
        "news",
    ),
    (
        "notice-with-salutation",
        "各县(区)人民政府,市政府各部门:\n《济南市质量提升行动方案(2024-2026年)》已经市政府同意,"
        "现印发给你们,请认真贯彻执行。\n济南市人民政府办公厅\n2024年5月6日\n济南市质量提升行动方案\n"
        "(2024-2026年)\n为推动高质量发展,制定本方案。",
        "济南市质量提升行动方案(2024-2026年)",
        date(2024, 5, 6),
        "济南市",
        "370100",
        "policy",
    ),
    (
        "issuer-line-joined",
        "中共湖北省委 湖北省人民政府\n关于加快建设质量强省的实施意见\n(2023年6月1日)\n"
        "为加快建设质量强省,提出如下实施意见。",
        "中共湖北省委 湖北省人民政府关于加快建设质量强省的实施意见",
        date(2023, 6, 1),
        "湖北省",
        "420000",
        "policy",
    ),
    (
        "central-reprint-in-provincial-paper",
        "国内统一刊号:CN64-0001 宁夏日报报业集团出版\n中共中央 国务院印发《质量强国建设纲要》\n"
        "为统筹推进质量强国建设,全面提高我国质量总体水平,制定本纲要。",
        "中共中央 国务院印发《质量强国建设纲要》",
        None,
        "全国",
        "100000",
        "policy",
    ),
    (
        "work-report",
        "政府工作报告\n——2025年1月15日在武汉市第十五届人民代表大会第五次会议上\n各位代表:\n"
        "现在,我代表市人民政府向大会报告工作。",
        "政府工作报告",
        date(2025, 1, 15),
        "武汉市",
        "420100",
        "report",
    ),
    (
        "news-about-a-report",
        "发力“三个新”,武汉确保开好局\nChang Jiang Ri Bao·2025-01-16 08:00\n"
        "政府工作报告提出,2025年主要预期目标是:地区生产总值增长5.5%左右。",
        "发力“三个新”,武汉确保开好局",
        date(2025, 1, 16),
        "武汉市",
        "420100",
        "news",
    ),
    (
        "city-named-with-its-province",
        "中国质量新闻网\n以更大力度实施质量强市战略,推动山东青岛高质量发展\n"
        "2021-02-20 17:26:16 中国质量新闻网\n中国质量新闻网讯(记者 朱文达)2月20日,质量工作会议召开。",
        "以更大力度实施质量强市战略,推动山东青岛高质量发展",
        date(2021, 2, 20),
        "青岛市",
        "370200",
        "news",
    ),
    (
        "kicker-and-national-framing",
        "三部门发文:\n力争到2027年我国制造业质量水平显著提升\n"
        "新华社北京12月20日电 记者从工业和信息化部获悉。",
        "力争到2027年我国制造业质量水平显著提升",
        None,
        "全国",
        "100000",
        "news",
    ),
    (
        "national-framing-yields-to-a-place",
        "我国首个质量强国标杆城市花落青岛\n本报讯(记者 王明)近日,青岛获批创建质量强国标杆城市。",
        "我国首个质量强国标杆城市花落青岛",
        None,
        "青岛市",
        "370200",
        "news",
    ),
    (
        "headline-ending-like-a-site-name",
        "长城网\n织密食品安全监管网\n本报讯(记者 王明)近日,石家庄市加强食品安全监管。",
        "织密食品安全监管网",
        None,
        "石家庄市",
        "130100",
        "news",
    ),
    (
        "bullet-and-spaced-label",
        "• 烟台市人民政府关于贯彻落实《质量强国建设纲要》的实施意见\n    发布时间 :2023-09-12\n"
        "为贯彻落实部署要求,提出如下实施意见 。",
        "烟台市人民政府关于贯彻落实《质量强国建设纲要》的实施意见",
        date(2023, 9, 12),
        "烟台市",
        "370600",
        "policy",
    ),
    (
        "byline-is-not-a-title",
        "科技日报记者 宋迎迎\n12月2日,青岛市政府新闻办召开新闻发布会,介绍主要成就。",
        None,
        None,
        "青岛市",
        "370200",
        "news",
    ),
    (
        "county-level-issuer",
        "临海市人民政府关于加快建设质量强市的实施意见\n发布时间:2024-03-15\n"
        "为贯彻落实《浙江省质量强省建设实施意见》,结合我市实际,提出如下实施意见。",
        "临海市人民政府关于加快建设质量强市的实施意见",
        date(2024, 3, 15),
        "临海市",
        "331082",
        "policy",
    ),
    (
        "portal-metadata-table",
        "索 引 号:11370200004609537Q/2023-00123\n主题分类:市场监管\n发文机关:青岛市人民政府\n"
        "成文日期:2023-09-08\n标  题:青岛市人民政府关于贯彻落实《质量强国建设纲要》的实施意见\n"
        "发文字号:青政发〔2023〕15号\n发布日期:2023-09-12\n各区、市人民政府:\n现提出如下实施意见。",
        "青岛市人民政府关于贯彻落实《质量强国建设纲要》的实施意见",
        date(2023, 9, 12),
        "青岛市",
        "370200",
        "policy",
    ),
    (
        "signed-date-without-publication-line",
        "成文日期:2023-09-08\n青岛市人民政府关于加快质量强市建设的实施意见\n现提出如下实施意见。",
        "青岛市人民政府关于加快质量强市建设的实施意见",
        date(2023, 9, 8),
        "青岛市",
        "370200",
        "policy",
    ),
    (
        "county-level-bureau",
        "临海市市场监督管理局关于开展质量提升行动的通知\n各镇(街道):\n现将有关事项通知如下。",
        "临海市市场监督管理局关于开展质量提升行动的通知",
        None,
        "临海市",
        "331082",
        "policy",
    ),
    (
        "county-level-work-report",
        "2025年临海市政府工作报告\n各位代表:\n现在,我代表市人民政府向大会报告工作。",
        "2025年临海市政府工作报告",
        None,
        "临海市",
        "331082",
        "report",
    ),
    (
        "headline-about-an-issuing",
        "我省印发质量强省建设行动方案\n近日,省政府印发《广东省质量强省建设行动方案》,明确了重点任务。",
        "我省印发质量强省建设行动方案",
        None,
        "广东省",
        "440000",
        "news",
    ),
    (
        "report-excerpt-without-title-word",
        "主要预期目标是:全市生产总值增长5.5%左右,居民收入增长与经济增长同步。\n对山东、对青岛工作的重要指示要求。",
        None,
        None,
        "青岛市",
        "370200",
        "report",
    ),
    (
        "report-excerpt-opening-mid-paragraph",
        "政府自身建设需要进一步加强,等等。\n三、2025年重点工作\n主要预期目标是:青岛全市生产总值增长5%左右。",
        "三、2025年重点工作",
        None,
        "青岛市",
        "370200",
        "report",
    ),
    (
        "whole-report-opening-with-salutation",
        "各位代表:\n现在,我代表国务院,向大会报告政府工作,请予审议。\n一、2024年工作回顾\n过去一年,我国发展历程很不平凡。",
        None,
        None,
        "全国",
        "100000",
        "report",
    ),
    (
        "policy-opening-mid-paragraph-has-no-title",
        "近日,省委、省政府印发《山东省质量强省建设纲要》。\n一、总体要求\n为统筹推进质量强省建设,制定本纲要。",
        None,
        None,
        "山东省",
        "370000",
        "policy",
    ),
    (
        "column-label-above-headline",
        "时政要闻\n常州出台质量强市三年行动计划\n2024年04月12日 08:30 来源:常州日报\n"
        "本报讯 市政府日前印发《常州市质量强市建设三年行动计划》。",
        "常州出台质量强市三年行动计划",
        date(2024, 4, 12),
        "常州市",
        "320400",
        "news",
    ),
    (
        "ministry-short-name-is-central",
        "工信部印发制造业质量提升行动方案\n来源:中国质量报 2024/05/10\n"
        "本报讯 近日,工信部印发《制造业质量提升行动方案》。",
        "工信部印发制造业质量提升行动方案",
        date(2024, 5, 10),
        "全国",
        "100000",
        "news",
    ),
    (
        "county-headline-issuing",
        "德清县发布质量强县建设实施方案\n发布日期:2024-07-03\n近日,德清县人民政府发布《德清县质量强县建设实施方案》。",
        "德清县发布质量强县建设实施方案",
        date(2024, 7, 3),
        "德清县",
        "330521",
        "news",
    ),
    (
        "notice-title-is-no-news",
        "常德市人民政府办公室关于印发《常德市质量提升行动方案》的通知\n发布日期:2024-03-01\n各区县(市)人民政府:",
        "常德市人民政府办公室关于印发《常德市质量提升行动方案》的通知",
        date(2024, 3, 1),
        "常德市",
        "430700",
        "policy",
    ),
    (
        "long-notice-signed-at-the-end",
        "镇江市人民政府关于加快建设质量强市的实施意见\n各辖市、区人民政府,市各委办局:\n"
        "为深入贯彻《质量强国建设纲要》,现提出如下意见。\n"
        + "\n".join(f"({i})推进第{i}项重点工作,提升质量水平。" for i in range(1, 16))
        + "\n\n镇江市人民政府\n2024年6月18日",
        "镇江市人民政府关于加快建设质量强市的实施意见",
        date(2024, 6, 18),
        "镇江市",
        "321100",
        "policy",
    ),
    (
        "status-in-brackets-under-title",
        "宿迁市质量强市建设实施方案\n(试行)\n为推动高质量发展,制定本方案。",
        "宿迁市质量强市建设实施方案(试行)",
        None,
        "宿迁市",
        "321300",
        "policy",
    ),
    (
        "date-under-a-sentence-is-no-signature",
        "宿迁出台质量强市方案\n本报讯 近日,宿迁市出台质量强市建设实施方案。\n"
        + "\n".join(f"方案第{i}部分提出了具体举措。" for i in range(1, 16))
        + "\n该方案自2024年7月1日起施行。\n2024年6月18日",
        "宿迁出台质量强市方案",
        None,
        "宿迁市",
        "321300",
        "news",
    ),
    (
        "city-right-after-its-province",
        "江苏盐城:质量强市建设跑出加速度\n2024年10月08日 来源:新华日报\n"
        "本报讯 近日,盐城市委、市政府印发《关于加快建设质量强市的实施意见》。",
        "江苏盐城:质量强市建设跑出加速度",
        date(2024, 10, 8),
        "盐城市",
        "320900",
        "news",
    ),
    (
        "city-sharing-its-province-short-name",
        "吉林市出台质量强市实施方案\n2024-03-01 来源:江城日报\n"
        "本报讯 近日,吉林市人民政府印发《吉林市质量强市建设实施方案》。",
        "吉林市出台质量强市实施方案",
        date(2024, 3, 1),
        "吉林市",
        "220200",
        "news",
    ),
    (
        "about-title-broken-over-two-lines",
        "关于进一步加强\n质量基础设施建设的实施意见\n发布日期:2024-05-06\n"
        "各设区市人民政府:为加强质量基础设施建设,提出如下意见。\n江西省人民政府办公厅\n2024年4月30日",
        "关于进一步加强质量基础设施建设的实施意见",
        date(2024, 5, 6),
        "江西省",
        "360000",
        "policy",
    ),
    (
        "publication-time-on-the-title-line",
        "潮州市质量强市建设三年行动方案(2024—2026年) 发布时间:2024-05-06\n为推动高质量发展,制定本方案。",
        "潮州市质量强市建设三年行动方案(2024—2026年)",
        date(2024, 5, 6),
        "潮州市",
        "445100",
        "policy",
    ),
]


# Forms real pages use (issue 10): the document's own voice, county-level places, portal tables,
# letterheads, wire datelines, report sections; and the negatives (a cited document's issuer).
GOLDEN += [
    (
        "cited-issuer-is-not-this-issuer",
        "关于深化质量强省建设的实施意见\n"
        "为贯彻落实中共中央、国务院《质量强国建设纲要》,结合本省实际,现提出如下实施意见。\n"
        "到2027年,全省质量总体水平显著提升。",
        "关于深化质量强省建设的实施意见",
        None,
        None,
        None,
        "policy",
    ),
    (
        "decisions-of-the-centre-carried-out",
        "质量强省建设实施方案\n为深入贯彻落实党中央、国务院关于建设质量强国的决策部署,"
        "全面提升全省质量水平,制定本方案。",
        "质量强省建设实施方案",
        None,
        None,
        None,
        "policy",
    ),
    (
        "cited-issuer-and-own-place",
        "关于深化质量强省建设的实施意见\n"
        "为贯彻落实中共中央、国务院《质量强国建设纲要》,结合江西实际,现提出如下实施意见。",
        "关于深化质量强省建设的实施意见",
        None,
        "江西省",
        "360000",
        "policy",
    ),
    (
        "cited-city-plan-in-a-county-notice",
        "关于加快质量强县建设的实施方案\n"
        "为深入落实《温州市质量强市建设实施方案》,结合平阳县实际,制定本方案。",
        "关于加快质量强县建设的实施方案",
        None,
        "平阳县",
        "330326",
        "policy",
    ),
    (
        "letterhead-and-document-number",
        "鞍山市铁东区人民政府文件\n鞍东政发〔2024〕3号\n"
        "铁东区人民政府关于印发《铁东区质量强区建设实施方案》的通知\n各街道办事处,区政府各部门:\n"
        "现将《铁东区质量强区建设实施方案》印发给你们,请认真贯彻落实。\n铁东区人民政府\n2024年3月8日",
        "铁东区人民政府关于印发《铁东区质量强区建设实施方案》的通知",
        date(2024, 3, 8),
        "鞍山市铁东区",
        "210302",
        "policy",
    ),
    (
        "portal-table-with-brackets",
        "[ 索引号 ] | 11500000MB1563000A/2024-00002 | [ 发文字号 ] | 渝北府发〔2024〕8号 |\n"
        "[ 发布机构 ] | 重庆市渝北区市场监督管理局 | ||\n"
        "[ 成文日期 ] | 2024-02-20 | [ 发布日期 ] | 2024-03-01 |\n"
        "重庆市渝北区人民政府关于印发《渝北区质量强区建设实施方案》的通知\n各镇人民政府、街道办事处:",
        "重庆市渝北区人民政府关于印发《渝北区质量强区建设实施方案》的通知",
        date(2024, 3, 1),
        "重庆市渝北区",
        "500112",
        "policy",
    ),
    (
        "portal-table-issuer-and-signed-date",
        "[索引号] | 11610802016000000C/2024-00100 | [ 主题分类 ] | 其他 |\n---|---|---|---|\n"
        "[ 发布机构 ] | 榆林市横山区人民政府办公室 | [ 发文日期 ] | 2024-06-11 |\n"
        "各乡镇人民政府、街道办事处,区政府各工作部门:\n"
        "《横山区质量提升行动方案》已经区政府审议通过,现印发给你们,请认真组织实施。",
        "横山区质量提升行动方案",
        date(2024, 6, 11),
        "榆林市横山区",
        "610803",
        "policy",
    ),
    (
        "district-shared-by-several-cities-with-its-city",
        "福州市鼓楼区人民政府关于开展质量提升行动的通知\n各街道办事处:\n现将有关事项通知如下。",
        "福州市鼓楼区人民政府关于开展质量提升行动的通知",
        None,
        "福州市鼓楼区",
        "350102",
        "policy",
    ),
    (
        "district-shared-by-several-cities-alone",
        "鼓楼区人民政府关于开展质量提升行动的通知\n各街道办事处:\n现将有关事项通知如下。",
        "鼓楼区人民政府关于开展质量提升行动的通知",
        None,
        "鼓楼区",
        None,
        "policy",
    ),
    (
        "district-report-section",
        "一、2023年工作回顾\n2023年是六合区发展史上极不平凡的一年。全区地区生产总值增长5%。",
        "一、2023年工作回顾",
        None,
        "南京市六合区",
        "320116",
        "report",
    ),
    (
        "wire-dateline-is-not-the-place",
        "2024年中国服务业质量满意度稳步提升\n"
        "  北京3月5日电 (记者 王明)国家市场监督管理总局5日发布监测数据显示,服务业质量满意度稳步提升。",
        "2024年中国服务业质量满意度稳步提升",
        None,
        "全国",
        "100000",
        "news",
    ),
    (
        "news-lead-about-a-county-level-city",
        "本报讯(记者 陈明 通讯员 李华)近日,福建省农业农村厅公布第二批名单,晋江市安海土笋冻上榜,"
        "泉州市某食品有限公司等2家企业入选。\n该品牌标识实行动态管理。",
        None,
        None,
        "晋江市",
        "350582",
        "news",
    ),
    (
        "summary-linking-to-the-decision",
        "浦口区区长质量奖是浦口区人民政府设立的质量荣誉,自2018年以来已有10家企业获奖,"
        "原文链接:区政府关于授予2022年度浦口区区长质量奖的决定。",
        None,
        None,
        "南京市浦口区",
        "320111",
        "news",
    ),
    (
        "task-table-citing-the-work-report",
        "2024年《政府工作报告》重点工作目标任务分解表\n序号 |\n目标与任务 |\n牵头责任单位 |\n"
        "1 |\n新增托位数400个以上。 |\n县教育局 |",
        "2024年《政府工作报告》重点工作目标任务分解表",
        None,
        None,
        None,
        "policy",
    ),
    (
        "work-report-opening-is-no-title",
        "各位代表:\n现在,我代表北京市人民政府,向大会报告政府工作,请予审议,并请市政协委员提出\n意见。\n"
        "一、2023年工作回顾",
        None,
        None,
        "北京市",
        "110000",
        "report",
    ),
    (
        "speaker-names-the-government-it-speaks-for",
        "各位代表:\n现在,我代表市人民政府,向大会报告政府工作,请予审议。\n一、2023年工作回顾\n"
        "过去一年,在省委、省政府的坚强领导下,全省上下稳中求进,全省经济回升向好,全省重点项目加快推进。\n"
        + "\n".join(f"({i})推进第{i}项重点工作,质量水平稳步提升。" for i in range(1, 12))
        + "\n芜湖数据中心集群建设提速,芜湖市地区生产总值增长5%,合肥都市圈协同发展。",
        None,
        None,
        "芜湖市",
        "340200",
        "report",
    ),
    (
        "untitled-story-told-by-a-reporter",
        "日前,从怀柔区市场监督管理局获悉,全区已有12家企业获得区政府质量奖,"
        "获奖企业的产品合格率保持在98%以上。",
        None,
        None,
        "北京市怀柔区",
        "110116",
        "news",
    ),
    (
        "untitled-work-report-excerpt",
        "过去一年,我们坚持稳中求进,全县地区生产总值增长6%。今年工作的总体要求是:坚持稳中求进,"
        "推动汝城县高质量发展。",
        None,
        None,
        "汝城县",
        "431026",
        "report",
    ),
    (
        "plan-indicator-table-is-no-news",
        "德州市质量强市建设主要指标\n序号 | 指标 | 单位 | 2025年目标 | 属性 |\n"
        "1 | 制造业产品质量合格率 | % | 94 | 预期性 |\n2 | 万人高价值发明专利拥有量 | 件 | 6 | 预期性 |",
        "德州市质量强市建设主要指标",
        None,
        "德州市",
        "371400",
        "policy",
    ),
    (
        "bare-time-label-under-a-headline",
        "聊城推进质量强市建设\n时间:2024-08-09 10:30\n聊城市近日召开质量强市工作推进会,部署下一步重点任务。",
        "聊城推进质量强市建设",
        date(2024, 8, 9),
        "聊城市",
        "371500",
        "news",
    ),
    (
        "portal-news-page-with-a-table",
        "索引号:11370000004609537Q/2024-00321\n发布机构:山东省市场监督管理局\n"
        "青岛召开质量强市工作推进会\n本报讯(记者 王明)日前,青岛市召开质量强市工作推进会。",
        "青岛召开质量强市工作推进会",
        None,
        "青岛市",
        "370200",
        "news",
    ),
    (
        "title-wrapped-before-its-last-character",
        "政府工作报\n告\n——2024年1月15日在聊城市第十八届人民代表大会第四次会议上\n各位代表:",
        "政府工作报告",
        date(2024, 1, 15),
        "聊城市",
        "371500",
        "report",
    ),
    (
        "municipality-speaks-as-a-city",
        "各位代表:\n现在,我代表市人民政府,向大会报告政府工作。\n一、2023年工作回顾\n"
        "过去一年,在中共天津市委直接领导下,全市经济回升向好,津冀协同推进,与河源、广州等地开展对口合作。",
        None,
        None,
        "天津市",
        "120000",
        "report",
    ),
    (
        "model-county-is-no-county",
        "创建国家农产品质量安全示范县工作推进会召开\n"
        "会议要求,各地要以示范县创建为抓手,完成县级农产品质量安全监管任务。",
        "创建国家农产品质量安全示范县工作推进会召开",
        None,
        None,
        None,
        "news",
    ),
    (
        "untitled-lead-reporting-inspection-findings-is-news",
        "2024年省级电动自行车产品质量监督抽查中,共抽查产品86批次。其中,抽查发现不符合标准要求的产品7批次,"
        "涉及充电器3批次。对抽查不合格的产品,已依法处理。",
        None,
        None,
        None,
        None,
        "news",
    ),
    (
        "untitled-policy-naming-inspection-findings-stays-policy",
        "各地要加强监督检查,对检查发现的问题要及时整改,确保2025年底前完成全部整改任务。",
        None,
        None,
        None,
        None,
        "policy",
    ),
]


@pytest.mark.parametrize(
    ("text", "title", "published", "jurisdiction", "code", "doc_type"),
    [pytest.param(*row[1:], id=row[0]) for row in GOLDEN],
)
def test_document_fields(
    text: str, title: str | None, published: date | None, jurisdiction: str, code: str | None, doc_type: str
) -> None:
    fields = extract_document_fields(TextView.from_text(text), DocumentContext())
    assert (
        fields.title,
        fields.published,
        fields.jurisdiction,
        fields.jurisdiction_code,
        fields.doc_type,
    ) == (
        title,
        published,
        jurisdiction,
        code,
        doc_type,
    )


def test_statistical_bulletin_in_forum_markup() -> None:
    """BBCode pasted as text: the clean stage turns its blocks into lines, so the title, the
    date under the issuer and the county are read as on any page."""
    raw = (
        "[align=center][size=3][b]2023年[/b][b]临猗县[/b][b]国民经济和社会发展统计公报[/b][/size][/align]"
        "[align=center][size=3]临猗县统计局[/size][/align][align=center][size=3]2024年4月2日[/size][/align]"
        "[align=left][size=3]2023年,全县地区生产总值增长5.1%。[/size][/align]"
    )
    fields = extract_document_fields(TextView.from_text(clean_text(raw)), DocumentContext())
    assert (
        fields.title,
        fields.published,
        fields.jurisdiction,
        fields.jurisdiction_code,
        fields.doc_type,
    ) == (
        "2023年临猗县国民经济和社会发展统计公报",
        date(2024, 4, 2),
        "临猗县",
        "140821",
        "report",
    )


def test_reader_hints_win() -> None:
    hints = DocumentContext(title="给定标题", doc_type="news")
    fields = extract_document_fields(TextView.from_text("青岛市人民政府关于…的意见\n提出如下意见。"), hints)
    assert fields.title == "给定标题" and fields.doc_type == "news" and fields.jurisdiction == "青岛市"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("二〇二六年一月二十日", date(2026, 1, 20)), ("2023-09-12", date(2023, 9, 12)), ("7月19日", None)],
)
def test_parse_date(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


def test_places_cover_every_province_and_prefecture() -> None:
    rows = places()
    by_name = {p.name: p for p in rows}
    provinces = [p for p in rows if p.level == "province"]
    prefectures = [p for p in rows if p.level == "prefecture"]
    assert len(provinces) == 34 and len(prefectures) == 333
    assert len({p.code for p in rows}) == len(rows)
    for prefecture in prefectures:
        assert prefecture.code[:2] == by_name[prefecture.parent or ""].code[:2], prefecture.name
    assert by_name["全国"].code == "100000"


_EPAPER = (
    "第A05版:要闻\n\n漳州出台质量强市实施方案\n\n本报讯(记者 陈明)近日,《漳州市质量强市建设实施方案》印发,"
    "提出到2025年制造业产品质量合格率达到94%以上。\n\n版权所有 闽南日报社\n联系我们:0596-1234567\n"
    "闽南日报要闻 A05漳州出台质量强市实施方案 2024-05-21 2024年5月21日 星期二"
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(_EPAPER, date(2024, 5, 21), id="epaper-footer-cut-with-the-tail"),
        pytest.param(
            "漳州出台质量强市实施方案\n发布时间:2024-05-20 09:00\n" + _EPAPER,
            None,
            id="a-publication-line-in-the-text-wins",
        ),
        pytest.param("漳州出台质量强市实施方案\n本报讯 近日,方案印发。", None, id="no-footer"),
    ],
)
def test_published_in_cut_footer(raw: str, expected: date | None) -> None:
    cleaned = clean_text(raw)
    assert "星期二" not in cleaned  # the footer really is cut by the clean stage
    assert published_in_cut_footer(raw, cleaned) == expected


@pytest.mark.parametrize(
    ("page_title", "expected"),
    [
        pytest.param("泰州市召开质量工作会议|泰州市人民政府", "泰州市召开质量工作会议", id="bar-government"),
        pytest.param("泰州市召开质量工作会议——泰州日报", "泰州市召开质量工作会议", id="dash-paper"),
        pytest.param("泰州市召开质量工作会议 - 中国泰州网", "泰州市召开质量工作会议", id="hyphen-site"),
        pytest.param("质量强市——泰州在行动", "质量强市——泰州在行动", id="a-subtitle-is-no-site-name"),
    ],
)
def test_site_name_cut_from_page_title(page_title: str, expected: str) -> None:
    view = TextView.from_text("本报讯 3月14日,全市质量工作会议召开。")
    assert extract_document_fields(view, DocumentContext(title=page_title)).title == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("全力创建国家级示范县", []),  # 范县 inside 示范县
        ("完成县级农产品监管任务", []),  # 成县
        ("振兴县域经济", []),  # 兴县
        ("建设新县城", []),  # 新县 before 县城
        ("中心城区环境整治", []),  # 城区 needs its city
        ("鼓楼区人民政府", []),  # four cities have a 鼓楼区
        ("推动汝城县高质量发展", ["汝城县"]),
        ("2023年平阴县生产总值", ["平阴县"]),
        ("福州市鼓楼区人民政府", ["福州市", "福州市鼓楼区"]),
        ("阳泉市城区", ["阳泉市", "阳泉市城区"]),
        ("南京市召开会议,鼓楼区作交流发言", ["南京市", "南京市鼓楼区"]),
    ],
)
def test_county_names_in_text(text: str, expected: list[str]) -> None:
    assert [place.jurisdiction for _, _, place in _places_in(text)] == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (
            "立山区人民政府关于印发 《立山区政府2023年重点工作任务分解 和责任分工方案》的通知",
            "立山区人民政府关于印发《立山区政府2023年重点工作任务分解和责任分工方案》的通知",
        ),
        (
            "榆阳区关于贯彻落实〈质量强国建设纲要〉的实施意见",
            "榆阳区关于贯彻落实《质量强国建设纲要》的实施意见",
        ),
        # nested brackets inside an outer 《》 stay as written; Latin words keep their spaces
        ("印发《关于贯彻〈纲要〉的意见》的通知", "印发《关于贯彻〈纲要〉的意见》的通知"),
        ("Made in China 2025 行动方案", "Made in China 2025 行动方案"),
    ],
)
def test_title_form(written: str, expected: str) -> None:
    from pipeline.extract.document_fields import title_form

    assert title_form(written) == expected
