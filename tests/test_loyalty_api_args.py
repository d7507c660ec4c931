"""The loyalty reads of the API refuse odd query values with a 422, never a 500 (NUL is
what PostgreSQL cannot compare)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/at-risk?tier=%00",
        "/api/v1/at-risk?tier=gold%00",
        "/api/v1/loyalty?tier=%00",
        "/api/v1/drivers?tier=%00",
    ],
)
def test_a_nul_in_a_filter_is_a_422(client, api_key, surveys, path):
    response = client.get(path, headers={"Authorization": f"Bearer {api_key}"})
    assert response.status_code == 422
    assert "tier" in response.get_json()["error"]["fields"]
