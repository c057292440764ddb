"""Speed to lead: first-contact delay distribution (``/speed`` + ``.json``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse

from pantau.i18n import gettext
from pantau.web import charts
from pantau.web.deps import Ctx, GrantDep, ViewDep
from pantau.web.pages.common import PageDep
from pantau.web.services.speed import speed_to_lead

router = APIRouter()


def speed_data(ctx: Ctx, grant: GrantDep, view: ViewDep) -> dict[str, Any]:
    return speed_to_lead(ctx, grant, view)


SpeedData = Annotated[dict[str, Any], Depends(speed_data)]


def bucket_labels(lang: str) -> dict[str, str]:
    minutes = gettext("min", lang)
    return {
        "0-5": f"0–5 {minutes}",
        "5-15": f"5–15 {minutes}",
        "15-60": f"15–60 {minutes}",
        "60+": f"> 60 {minutes}",
        "never": gettext("never", lang),
    }


@router.get("/speed.json", summary="Leads by first-contact delay")
async def speed_json(data: SpeedData) -> dict[str, Any]:
    return data


@router.get("/speed", response_class=HTMLResponse, include_in_schema=False)
def speed_page(page: PageDep, data: SpeedData) -> HTMLResponse:
    labels = bucket_labels(page.lang)
    return page.render(
        "speed.html",
        data,
        cache=True,
        filters=page.filters(data["grain"]),
        labels=labels,
        chart=charts.speed(data, labels, page.lang),
    )
