"""Demo data part; see demo/management/commands/seed_demo.py.

The Open311 demo key ``demo-open311-key`` for 鼓楼街道人大代表联络站 (README
"Demo accounts"). Idempotent: the key is looked up by its hash and created
only when missing; a revoked demo key stays revoked (staff revoked it on
purpose).
"""

DEMO_OPEN311_KEY = "demo-open311-key"
DEMO_STATION_CODE = "xhl-gulou"
DEMO_KEY_NAME = "演示：鼓楼街道联络站小程序"


def run(stdout=None) -> str:
    from open311.models import ApiKey
    from open311.services import api_key_issue, hash_key
    from stations.models import Station

    station = Station.objects.filter(code=DEMO_STATION_CODE).first() or Station.objects.filter(is_active=True).order_by("code").first()
    if station is None:
        return "no station: Open311 demo key skipped"
    existing = ApiKey.objects.filter(key_hash=hash_key(DEMO_OPEN311_KEY)).first()
    if existing is not None:
        return f"Open311 demo key {DEMO_OPEN311_KEY} ({existing.station or existing.region}) already present"
    api_key_issue(
        name=DEMO_KEY_NAME,
        station=station,
        raw_key=DEMO_OPEN311_KEY,
        note="仅用于演示，生产环境请吊销",
    )
    return f"Open311 demo key {DEMO_OPEN311_KEY} for {station.name}"
