"""Yangpu's 乐业空间 stations: 12 sub-district (街道) stations, one in a start-up park and five at
universities. ``flask seed-demo`` creates them; other code may use the list as the reference set."""
from dataclasses import dataclass

from .models import StationKind


@dataclass(frozen=True)
class StationInfo:
    slug: str
    name: str
    kind: StationKind
    address: str


def _sub_district(slug: str, area: str) -> StationInfo:
    return StationInfo(slug, f"{area}街道乐业空间", StationKind.SUB_DISTRICT, f"上海市杨浦区{area}街道社区党群服务中心")


YANGPU_STATIONS: tuple[StationInfo, ...] = (
    _sub_district("dinghailu", "定海路"),
    _sub_district("pinglianglu", "平凉路"),
    _sub_district("jiangpulu", "江浦路"),
    _sub_district("sipinglu", "四平路"),
    _sub_district("kongjianglu", "控江路"),
    _sub_district("changbaixincun", "长白新村"),
    _sub_district("yanjixincun", "延吉新村"),
    _sub_district("yinhang", "殷行"),
    _sub_district("daqiao", "大桥"),
    _sub_district("wujiaochang", "五角场"),
    _sub_district("xinjiangwancheng", "新江湾城"),
    _sub_district("changhailu", "长海路"),
    StationInfo("chuanggu", "创谷乐业空间", StationKind.PARK, "上海市杨浦区长阳路1687号 长阳创谷"),
    StationInfo("fudan", "复旦大学乐业空间", StationKind.UNIVERSITY, "上海市杨浦区邯郸路220号 复旦大学"),
    StationInfo("tongji", "同济大学乐业空间", StationKind.UNIVERSITY, "上海市杨浦区四平路1239号 同济大学"),
    StationInfo("sufe", "上海财经大学乐业空间", StationKind.UNIVERSITY, "上海市杨浦区国定路777号 上海财经大学"),
    StationInfo("usst", "上海理工大学乐业空间", StationKind.UNIVERSITY, "上海市杨浦区军工路516号 上海理工大学"),
    StationInfo("shiep", "上海电力大学乐业空间", StationKind.UNIVERSITY, "上海市杨浦区平凉路2103号 上海电力大学"),
)
