"""Annotating scenarios: the thread, and writing, editing, flagging and hiding annotations."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect, push_url, reswap, retarget

from diplomacy.core.cache import cached_page
from diplomacy.core.htmx import wants_fragment
from diplomacy.scenarios.models import Scenario

from .forms import AnnotationForm, EditAnnotationForm, ModerationForm, ReplyForm
from .models import Annotation
from .thread import Item, Params, ScenarioAnnotations, page_of, render_item, shows, thread_item

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
    """An annotation or reply this reader may see (a reply only where its thread shows); else 404."""
    return get_object_or_404(
        Annotation.objects.in_view_of(request.user)
        .filter(scenario__in=Scenario.objects.visible_to(request.user))
        .select_related("scenario__topic", "author", "root"),
        pk=pk,
    )


def _own_or_403(request: HttpRequest, pk: int) -> Annotation:
    """The user's own annotation (theirs to change even where its thread is hidden). Someone else's
    answers 403 if they can see it, 404 if not."""
    own = Annotation.objects.filter(author_id=request.user.pk).select_related("scenario__topic", "author", "root")
    annotation = own.filter(pk=pk).first()
    if annotation is None:
        _visible_or_404(request, pk)
        raise PermissionDenied("Only its author can change an annotation.")
    return annotation


def _render_annotation(
    request: HttpRequest, annotation: Annotation, status: int = 200, error: str = "", replying_to: int | None = None
) -> HttpResponse:
    """An annotation with its replies (or one reply) as this reader sees it in the thread, for htmx."""
    item = thread_item(request, annotation, replying_to)
    item.moderation_error = error
    context = {"item": item, "scenario": annotation.scenario}
    partial = "reply" if annotation.is_reply else "annotation"
    return render(request, f"{SCENARIO_TEMPLATE}#{partial}", context, status=status)


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
        form.add_error(None, _too_often())
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
def annotation_reply(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the form to reply to an annotation or a reply; POST: the reply, shown in its thread."""
    parent = _visible_or_404(request, pk)
    if refusal := parent.refuses_replies_from(request.user):
        raise PermissionDenied(refusal)
    form = ReplyForm(request.POST or None, auto_id=f"id_reply{parent.pk}_%s")
    status = 200
    if request.method == "POST":
        if Annotation.posted_too_often(request.user):
            form.add_error(None, _too_often())
            status = 429
        elif form.is_valid():
            with transaction.atomic():  # the reply, its notification and the cache's new tokens: one commit
                reply = parent.reply(author=request.user, body=form.cleaned_data["body"])
            return _replied(request, reply)
        else:
            status = 422
    context = {"parent": parent, "scenario": parent.scenario, "reply_form": form}
    template = f"{SCENARIO_TEMPLATE}#reply-form" if wants_fragment(request) else "annotations/reply_page.html"
    return render(request, template, context, status=status)


def _replied(request: HttpRequest, reply: Annotation) -> HttpResponse:
    """The thread the reply joined, with the reply in view (htmx), or its permalink."""
    if not wants_fragment(request):
        messages.success(request, "Your reply is posted.")
        return redirect(reply)
    root = Annotation.objects.select_related("scenario__topic", "author").get(pk=reply.root_id)
    response = _render_annotation(request, root, replying_to=reply.pk)
    return reswap(retarget(response, f"#annotation-{root.pk}"), "outerHTML")


def _too_often() -> str:
    return (
        f"You have posted {settings.ANNOTATION_RATE_LIMIT} annotations and replies in the last minute. Please wait "
        "a moment, then send this again: your text is still here."
    )


@login_required
@require_http_methods(["GET", "POST"])
def annotation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    annotation = _own_or_403(request, pk)
    if annotation.is_deleted:
        raise Http404("This annotation is deleted.")
    form_class = ReplyForm if annotation.is_reply else EditAnnotationForm
    extra = {} if annotation.is_reply else {"user": request.user}
    form = form_class(request.POST or None, instance=annotation, auto_id=f"id_edit{annotation.pk}_%s", **extra)
    if request.method == "POST" and form.is_valid():
        annotation.edit(**form.cleaned_data)
        if wants_fragment(request):
            return _edited(request, annotation)
        messages.success(request, "Your annotation is updated.")
        return redirect(annotation)
    status = 422 if request.method == "POST" else 200
    context = {"annotation": annotation, "scenario": annotation.scenario, "edit_form": form}
    template = f"{SCENARIO_TEMPLATE}#annotation-edit" if wants_fragment(request) else "annotations/edit_page.html"
    return render(request, template, context, status=status)


def _edited(request: HttpRequest, annotation: Annotation) -> HttpResponse:
    """The edited annotation, and the narrative again: its highlight's preview shows the new text
    (and a private one's highlight goes for others, public again comes back)."""
    response = _render_annotation(request, annotation)
    if annotation.is_reply:
        return response
    narrative = ScenarioAnnotations(request, annotation.scenario).narrative_html
    oob = render(request, f"{SCENARIO_TEMPLATE}#narrative", {"narrative_html": narrative, "oob": True})
    response.content += oob.content
    return response


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
    root_pk = annotation.root_id or annotation.pk
    annotation.remove()
    if not wants_fragment(request):
        messages.success(request, "Your annotation is deleted.")
        return redirect(f"{scenario.get_absolute_url()}#annotations")
    annotations = ScenarioAnnotations(request, scenario)
    # What is left of the thread (a deleted annotation still carrying replies), or nothing.
    root = Annotation.objects.select_related("scenario__topic", "author").filter(pk=root_pk).first()
    context = {
        "annotation_count": annotations.count,
        "narrative_html": annotations.narrative_html,
        "item": thread_item(request, root) if root else None,
        "scenario": scenario,
    }
    # Retargeted at the thread's annotation: shown again as it now is, or (all of it gone) removed.
    return reswap(retarget(render(request, "annotations/deleted.html", context), f"#annotation-{root_pk}"), "outerHTML")


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
    annotations = (
        Annotation.objects.filter(author_id=request.user.pk)
        .standing()
        .select_related("scenario__topic", "scenario__outcome")
    )
    page = Paginator(annotations, 30).get_page(request.GET.get("page"))
    return render(request, "annotations/mine.html", {"page": page})
