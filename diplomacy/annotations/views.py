"""Annotating scenarios: the thread on the scenario page, and writing, editing, flagging, hiding."""

from __future__ import annotations

from dataclasses import astuple

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from diplomacy.core.cache import fragment
from diplomacy.scenarios.models import Scenario

from .anchoring import Anchor, render_narrative
from .forms import AnnotationForm, EditAnnotationForm, ModerationForm
from .models import Annotation, Flag

THREAD_PAGE = 20
EDITORS_NOTES_SHOWN = 20
HIGHLIGHTS_MAX = 300
ORDERS = {"newest": ("-created_at", "-pk"), "oldest": ("created_at", "pk")}
SCENARIO_TEMPLATE = "scenarios/scenario.html"


def _is_htmx(request: HttpRequest) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


def _thread_params(request: HttpRequest) -> dict:
    """The thread's filter, order and page from the query string; anything unknown is ignored."""
    kind = request.GET.get("kind", "")
    order = request.GET.get("order", "newest")
    return {
        "kind": kind if kind in Annotation.Kind.values and kind != Annotation.Kind.EDITORS_NOTE else "",
        "order": order if order in ORDERS else "newest",
        "page": request.GET.get("page", "1"),
    }


def _mark_for(user, annotations, narrative: str) -> None:
    """Attach what the thread shows per annotation: detached, and whether this user flagged it."""
    flagged = set()
    if user.is_authenticated and annotations:
        flagged = set(
            Flag.objects.filter(user=user, annotation__in=[a.pk for a in annotations]).values_list(
                "annotation_id", flat=True
            )
        )
    for annotation in annotations:
        annotation.detached = bool(annotation.quote) and annotation.locate(narrative) is None
        annotation.flagged_by_me = annotation.pk in flagged


def narrative_html(request: HttpRequest, scenario: Scenario):
    """The narrative with the passages of the annotations this reader can see highlighted.

    Each highlight links to its annotation's permalink, which works from anywhere; on the
    page, site.js turns the click into a jump to the annotation when it is already shown.
    What every reader sees is located and drawn once per content version; a reader who
    also sees annotations of their own (or, as an editor, hidden ones) gets those added.
    """

    def shared() -> tuple[list[tuple], str]:
        # Plain tuples and a str in the cache, so that a deploy changing Anchor can't break unpickling.
        anchors = _anchors(Annotation.objects.for_everyone(), scenario)
        return [astuple(a) for a in anchors], str(render_narrative(scenario.narrative, anchors))

    anchors, html = fragment(request, "narrative", (scenario.pk,), shared)
    if request.user.is_authenticated and (own := _anchors(Annotation.objects.seen_only_by(request.user), scenario)):
        return render_narrative(scenario.narrative, [Anchor(*a) for a in anchors] + own)
    return mark_safe(html)  # noqa: S308 (the cached output of render_narrative, which escapes every piece)


def _anchors(annotations, scenario: Scenario) -> list[Anchor]:
    """Where the newest quoting annotations (up to HIGHLIGHTS_MAX) stand in the narrative."""
    quoted = (
        annotations.filter(scenario=scenario)
        .exclude(quote="")
        .order_by("-created_at")
        .values_list("pk", "quote", "quote_prefix", "quote_suffix")[:HIGHLIGHTS_MAX]
    )
    anchors = []
    for pk, quote, prefix, suffix in quoted:
        found = Annotation(quote=quote, quote_prefix=prefix, quote_suffix=suffix).locate(scenario.narrative)
        if found:
            anchors.append(Anchor(pk, *found, reverse("annotation", kwargs={"pk": pk})))
    return anchors


def thread_context(request: HttpRequest, scenario: Scenario) -> dict:
    """Everything the scenario page shows of annotations, in a fixed number of queries."""
    params = _thread_params(request)
    visible = Annotation.objects.visible_to(request.user).filter(scenario=scenario).select_related("author")
    editors_notes = list(
        visible.filter(kind=Annotation.Kind.EDITORS_NOTE).order_by("-created_at")[:EDITORS_NOTES_SHOWN]
    )
    others = visible.exclude(kind=Annotation.Kind.EDITORS_NOTE)
    if params["kind"]:
        others = others.filter(kind=params["kind"])
    page = Paginator(others.order_by(*ORDERS[params["order"]]), THREAD_PAGE).get_page(params["page"])
    annotations = list(page)
    _mark_for(request.user, editors_notes + annotations, scenario.narrative)
    query = urlencode({k: v for k, v in params.items() if k != "page" and v and v != "newest"})
    form = AnnotationForm(scenario=scenario, user=request.user) if request.user.is_authenticated else None
    return {
        "editors_notes": editors_notes,
        "thread_page": page,
        "annotations": annotations,
        "annotation_count": page.paginator.count + len(editors_notes),
        "thread": params,
        "thread_query": query,
        "kinds": [c for c in Annotation.Kind.choices if c[0] != Annotation.Kind.EDITORS_NOTE],
        "narrative_html": narrative_html(request, scenario),
        "form": form,
    }


def _visible_or_404(request: HttpRequest, pk: int) -> Annotation:
    return get_object_or_404(
        Annotation.objects.visible_to(request.user)
        .filter(scenario__in=Scenario.objects.visible_to(request.user))
        .select_related("scenario__topic", "author"),
        pk=pk,
    )


def _own_or_403(request: HttpRequest, pk: int) -> Annotation:
    """The user's own annotation. Someone else's answers 403 if they can see it, 404 if not."""
    annotation = _visible_or_404(request, pk)
    if annotation.author_id != request.user.pk:
        raise PermissionDenied("Only its author can change an annotation.")
    return annotation


def _render_annotation(request: HttpRequest, annotation: Annotation, status: int = 200) -> HttpResponse:
    _mark_for(request.user, [annotation], annotation.scenario.narrative)
    context = {"annotation": annotation, "scenario": annotation.scenario}
    return render(request, f"{SCENARIO_TEMPLATE}#annotation", context, status=status)


@require_safe
def annotation_permalink(request: HttpRequest, pk: int) -> HttpResponse:
    """/annotations/<id>/: its place on the scenario page (or, for htmx, the annotation itself)."""
    annotation = _visible_or_404(request, pk)
    if _is_htmx(request):
        return _render_annotation(request, annotation)
    url = annotation.scenario.get_absolute_url()
    if annotation.kind != Annotation.Kind.EDITORS_NOTE:
        newer = (
            Annotation.objects.visible_to(request.user)
            .filter(scenario=annotation.scenario)
            .exclude(kind=Annotation.Kind.EDITORS_NOTE)
            .filter(Q(created_at__gt=annotation.created_at) | Q(created_at=annotation.created_at, pk__gt=annotation.pk))
            .count()
        )
        if newer >= THREAD_PAGE:
            url += f"?page={newer // THREAD_PAGE + 1}"
    return redirect(f"{url}#annotation-{annotation.pk}")


@require_POST
def annotation_create(request: HttpRequest, topic: str, scenario: str) -> HttpResponse:
    scenario_obj = get_object_or_404(
        Scenario.objects.visible_to(request.user).select_related("topic"), topic__slug=topic, slug=scenario
    )
    if not request.user.is_authenticated:
        login = f"{reverse('login')}?{urlencode({'next': scenario_obj.get_absolute_url() + '#annotate'})}"
        return HttpResponseClientRedirect(login) if _is_htmx(request) else redirect(login)
    form = AnnotationForm(request.POST, scenario=scenario_obj, user=request.user)
    if Annotation.posted_too_often(request.user):
        form.add_error(
            None,
            f"You have posted {settings.ANNOTATION_RATE_LIMIT} annotations in the last minute. Please wait a moment, "
            "then send this one again: your text is still here.",
        )
        return _render_form(request, scenario_obj, form, status=429)
    if not form.is_valid():
        return _render_form(request, scenario_obj, form, status=422)
    annotation = form.save(commit=False)
    annotation.scenario, annotation.author = scenario_obj, request.user
    annotation.save()
    if not _is_htmx(request):
        messages.success(request, "Your annotation is saved.")
        return redirect(annotation)
    _mark_for(request.user, [annotation], scenario_obj.narrative)
    context = {
        "scenario": scenario_obj,
        "annotation": annotation,
        "form": AnnotationForm(scenario=scenario_obj, user=request.user),
        "annotation_count": Annotation.objects.visible_to(request.user).filter(scenario=scenario_obj).count(),
        "narrative_html": narrative_html(request, scenario_obj),
    }
    return render(request, "annotations/created.html", context)


def _render_form(request: HttpRequest, scenario: Scenario, form: AnnotationForm, status: int) -> HttpResponse:
    """An invalid or refused form, with the errors by the fields and the text kept."""
    if _is_htmx(request):
        return render(
            request, f"{SCENARIO_TEMPLATE}#annotation-form", {"scenario": scenario, "form": form}, status=status
        )
    return render(request, "annotations/form_page.html", {"scenario": scenario, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def annotation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    annotation = _own_or_403(request, pk)
    form = EditAnnotationForm(
        request.POST or None, instance=annotation, user=request.user, auto_id=f"id_edit{annotation.pk}_%s"
    )
    if request.method == "POST" and form.is_valid():
        annotation.edit(**form.cleaned_data)
        if _is_htmx(request):
            return _render_annotation(request, annotation)
        messages.success(request, "Your annotation is updated.")
        return redirect(annotation)
    status = 422 if request.method == "POST" else 200
    context = {"annotation": annotation, "scenario": annotation.scenario, "edit_form": form}
    if _is_htmx(request):
        return render(request, f"{SCENARIO_TEMPLATE}#annotation-edit", context, status=status)
    return render(request, "annotations/edit_page.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def annotation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    annotation = _own_or_403(request, pk)
    scenario = annotation.scenario
    if request.method == "GET":
        return render(request, "annotations/delete_page.html", {"annotation": annotation, "scenario": scenario})
    annotation.delete()
    if not _is_htmx(request):
        messages.success(request, "Your annotation is deleted.")
        return redirect(f"{scenario.get_absolute_url()}#annotations")
    context = {
        "scenario": scenario,
        "annotation_count": Annotation.objects.visible_to(request.user).filter(scenario=scenario).count(),
        "narrative_html": narrative_html(request, scenario),
    }
    return render(request, "annotations/deleted.html", context)


@login_required
@require_POST
def annotation_flag(request: HttpRequest, pk: int) -> HttpResponse:
    annotation = _visible_or_404(request, pk)
    flagged = annotation.flag(by=request.user)
    if _is_htmx(request):
        return _render_annotation(request, annotation)
    messages.info(request, "Thank you: editors will look at it." if flagged else "You had already flagged it.")
    return redirect(annotation)


@login_required
@require_POST
def annotation_moderate(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Editors hide or restore an annotation from the scenario page, with a reason."""
    if not request.user.has_perm("annotations.moderate_annotation"):
        raise PermissionDenied("Only editors moderate annotations.")
    annotation = _visible_or_404(request, pk)
    form = ModerationForm(request.POST)
    if form.is_valid():
        getattr(annotation, action)(by=request.user, reason=form.cleaned_data["reason"])
        if not _is_htmx(request):
            messages.success(
                request, "The annotation is hidden." if action == "hide" else "The annotation is shown again."
            )
            return redirect(annotation)
        return _render_annotation(request, annotation)
    if _is_htmx(request):
        annotation.moderation_error = form.errors["reason"][0]
        return _render_annotation(request, annotation, status=422)
    messages.error(request, "Give a reason: it is shown to the author and kept in the log.")
    return redirect(annotation)


@login_required
@require_safe
def my_annotations(request: HttpRequest) -> HttpResponse:
    annotations = Annotation.objects.filter(author=request.user).select_related("scenario__topic", "scenario__outcome")
    page = Paginator(annotations, 30).get_page(request.GET.get("page"))
    return render(request, "annotations/mine.html", {"page": page})
