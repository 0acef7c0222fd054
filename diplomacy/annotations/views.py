"""Annotating scenarios: the thread, and writing, editing, flagging and hiding annotations."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect, push_url

from diplomacy.core.cache import cached_page
from diplomacy.core.htmx import wants_fragment
from diplomacy.scenarios.models import Scenario

from .forms import AnnotationForm, EditAnnotationForm, ModerationForm
from .models import Annotation, Flag
from .thread import Item, Params, ScenarioAnnotations, page_of, render_item, shows

SCENARIO_TEMPLATE = "scenarios/scenario.html"


def _scenario_or_404(request: HttpRequest, topic: str, scenario: str) -> Scenario:
    found = Scenario.objects.visible_to(request.user).at(topic, scenario).first()
    if found is None:
        raise Http404("No such scenario.")
    return found


@require_http_methods(["GET", "HEAD", "POST"])
@vary_on_headers("HX-Request")
@cached_page(shows)
def scenario_annotations(request: HttpRequest, topic: str, scenario: str) -> HttpResponse:
    """GET: the thread (filter, order, "load more"), for htmx; a plain visit goes to its place on
    the scenario page, which includes it. POST: a new annotation."""
    if request.method == "POST":
        return annotation_create(request, topic, scenario)
    scenario_obj = _scenario_or_404(request, topic, scenario)
    params = Params.from_query(request.GET)
    if not wants_fragment(request):
        return redirect(scenario_obj.get_absolute_url() + params.address + "#annotations")
    response = HttpResponse(ScenarioAnnotations(request, scenario_obj).thread_html(params))
    # The address shows the filter and order; "load more" adds to the page without a new address.
    return push_url(response, scenario_obj.get_absolute_url() + params.address) if params.page == 1 else response


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


def _render_annotation(
    request: HttpRequest, annotation: Annotation, status: int = 200, error: str = ""
) -> HttpResponse:
    item = render_item(request, annotation, annotation.scenario.narrative)
    if request.user.is_authenticated:
        item.lay_over(
            request.user,
            set(Flag.objects.filter(annotation=annotation, user=request.user).values_list("annotation_id", flat=True)),
        )
    item.moderation_error = error
    context = {"item": item, "scenario": annotation.scenario}
    return render(request, f"{SCENARIO_TEMPLATE}#annotation", context, status=status)


@require_safe
def annotation_permalink(request: HttpRequest, pk: int) -> HttpResponse:
    """/annotations/<id>/: its place on the scenario page (or, for htmx, the annotation itself)."""
    annotation = _visible_or_404(request, pk)
    if wants_fragment(request):
        return _render_annotation(request, annotation)
    page = page_of(request.user, annotation)
    url = annotation.scenario.get_absolute_url() + (f"?page={page}" if page > 1 else "")
    return redirect(f"{url}#annotation-{annotation.pk}")


def annotation_create(request: HttpRequest, topic: str, scenario: str) -> HttpResponse:
    scenario_obj = _scenario_or_404(request, topic, scenario)
    if not request.user.is_authenticated:
        login = f"{reverse('login')}?{urlencode({'next': scenario_obj.get_absolute_url() + '#annotate'})}"
        return HttpResponseClientRedirect(login) if wants_fragment(request) else redirect(login)
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
    if not wants_fragment(request):
        messages.success(request, "Your annotation is saved.")
        return redirect(annotation)
    annotations = ScenarioAnnotations(request, scenario_obj)
    context = {
        "scenario": scenario_obj,
        "item": _item_for_author(request, annotation),
        "form": AnnotationForm(scenario=scenario_obj, user=request.user),
        "annotation_count": annotations.count,
        "narrative_html": annotations.narrative_html,
    }
    return render(request, "annotations/created.html", context)


def _item_for_author(request: HttpRequest, annotation: Annotation) -> Item:
    item = render_item(request, annotation, annotation.scenario.narrative)
    item.lay_over(request.user, set())
    return item


def _render_form(request: HttpRequest, scenario: Scenario, form: AnnotationForm, status: int) -> HttpResponse:
    """An invalid or refused form, with the errors by the fields and the text kept."""
    template = f"{SCENARIO_TEMPLATE}#annotation-form" if wants_fragment(request) else "annotations/form_page.html"
    return render(request, template, {"scenario": scenario, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def annotation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    annotation = _own_or_403(request, pk)
    form = EditAnnotationForm(
        request.POST or None, instance=annotation, user=request.user, auto_id=f"id_edit{annotation.pk}_%s"
    )
    if request.method == "POST" and form.is_valid():
        annotation.edit(**form.cleaned_data)
        if wants_fragment(request):
            return _render_annotation(request, annotation)
        messages.success(request, "Your annotation is updated.")
        return redirect(annotation)
    status = 422 if request.method == "POST" else 200
    context = {"annotation": annotation, "scenario": annotation.scenario, "edit_form": form}
    template = f"{SCENARIO_TEMPLATE}#annotation-edit" if wants_fragment(request) else "annotations/edit_page.html"
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def annotation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    annotation = _own_or_403(request, pk)
    scenario = annotation.scenario
    if request.method == "GET":
        item = render_item(request, annotation, scenario.narrative)
        return render(
            request, "annotations/delete_page.html", {"annotation": annotation, "scenario": scenario, "item": item}
        )
    annotation.delete()
    if not wants_fragment(request):
        messages.success(request, "Your annotation is deleted.")
        return redirect(f"{scenario.get_absolute_url()}#annotations")
    annotations = ScenarioAnnotations(request, scenario)
    context = {"annotation_count": annotations.count, "narrative_html": annotations.narrative_html}
    return render(request, "annotations/deleted.html", context)


@login_required
@require_POST
def annotation_flag(request: HttpRequest, pk: int) -> HttpResponse:
    annotation = _visible_or_404(request, pk)
    flagged = annotation.flag(by=request.user)
    if wants_fragment(request):
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
        if wants_fragment(request):
            return _render_annotation(request, annotation)
        messages.success(request, "The annotation is hidden." if action == "hide" else "The annotation is shown again.")
        return redirect(annotation)
    if wants_fragment(request):
        return _render_annotation(request, annotation, status=422, error=str(form.errors["reason"][0]))
    messages.error(request, "Give a reason: it is shown to the author and kept in the log.")
    return redirect(annotation)


@login_required
@require_safe
def my_annotations(request: HttpRequest) -> HttpResponse:
    annotations = Annotation.objects.filter(author_id=request.user.pk).select_related(
        "scenario__topic", "scenario__outcome"
    )
    page = Paginator(annotations, 30).get_page(request.GET.get("page"))
    return render(request, "annotations/mine.html", {"page": page})
