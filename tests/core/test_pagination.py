import pytest

from congress_portal.pagination import EXACT_COUNT_LIMIT, EstimatedCountPaginator, estimated_count
from regions.models import Region
from tests.factories import RegionFactory


@pytest.mark.django_db
def test_estimated_count_is_exact_for_small_results_and_zero_for_empty():
    RegionFactory.create_batch(3)
    assert estimated_count(Region.objects.all()) == 3
    assert estimated_count(Region.objects.none()) == 0
    assert estimated_count(Region.objects.filter(pk__in=[])) == 0
    assert EstimatedCountPaginator(Region.objects.order_by("pk"), 2).num_pages == 2
    assert EXACT_COUNT_LIMIT >= 1000
