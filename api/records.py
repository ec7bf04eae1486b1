"""The API's read-only records besides tickets: chats and their transcripts, service orders
and tasks (people and organizations are in api.people). Each list and each record is fetched
through a scope of api.permissions, itself built on the pages' gates: what a person may not
see is 404, a list they have no part in 403.
"""

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from core.paging import seek_page

from . import permissions
from . import serializers as s
from .permissions import CallerMayUseApi, IsAgent
from .views import MAX_NUMBER, PROBLEMS, ApiView, page_link

CURSORS = [
    OpenApiParameter("after", str, description="The cursor of the next page (from `next`)"),
    OpenApiParameter("before", str, description="The cursor of the page before (`previous`)"),
]


def _page(request, rows, keys, serializer):
    page = seek_page(rows, keys, request.query_params, per_page=settings.TICKETS_PER_PAGE)
    return Response({
        "results": serializer(page.object_list, many=True).data,
        "next": page_link(request, "after", page.next_cursor),
        "previous": page_link(request, "before", page.previous_cursor),
    })  # fmt: skip


def _one(rows, record_id: int):
    if record_id > MAX_NUMBER:
        raise NotFound
    found = rows.filter(id=record_id).first()
    if found is None:
        raise NotFound
    return found


def _id(name: str, what: str):
    return OpenApiParameter(name, int, OpenApiParameter.PATH, description=f"The {what}'s id")


CHAT_ID = _id("chat_id", "chat")
ORDER_ID = _id("order_id", "service order")
TASK_ID = _id("task_id", "task")


def _chats(request):
    return permissions.api_chats_for(request.user).select_related("department", "agent", "ticket")


class ChatList(ApiView):
    @extend_schema(parameters=CURSORS, responses={200: s.ChatPage, **PROBLEMS},
                   operation_id="chats_list")  # fmt: skip
    def get(self, request):
        """Agents: the chats of their console's departments and those they held (every chat for
        an administrator); a customer: their own. Newest first."""
        keys = [("created_at", True), ("id", True)]
        return _page(request, _chats(request), keys, s.ChatOut)


class ChatDetail(ApiView):
    @extend_schema(parameters=[CHAT_ID], responses={200: s.ChatOut, **PROBLEMS})
    def get(self, request, chat_id):
        return Response(s.ChatOut(_one(_chats(request), chat_id)).data)


class ChatTranscript(ApiView):
    @extend_schema(parameters=[CHAT_ID], responses={200: s.ChatLine(many=True), **PROBLEMS})
    def get(self, request, chat_id):
        """The chat's lines in order, as its transcript."""
        chat = _one(permissions.api_chats_for(request.user), chat_id)
        return Response(s.ChatLine(chat.messages.order_by("sequence"), many=True).data)


def _orders(request):
    return permissions.service_orders_for(request.user).select_related("ticket", "technician")


class ServiceOrderList(ApiView):
    permission_classes = [CallerMayUseApi, IsAgent]

    @extend_schema(parameters=CURSORS, responses={200: s.ServiceOrderPage, **PROBLEMS},
                   operation_id="service_orders_list")  # fmt: skip
    def get(self, request):
        """The service orders of the tickets the agent may see, by start."""
        keys = [("starts_at", False), ("id", False)]
        return _page(request, _orders(request), keys, s.ServiceOrderOut)


class ServiceOrderDetail(ApiView):
    @extend_schema(parameters=[ORDER_ID], responses={200: s.ServiceOrderOut, **PROBLEMS})
    def get(self, request, order_id):
        return Response(s.ServiceOrderOut(_one(_orders(request), order_id)).data)


def _tasks(request):
    return permissions.tasks_for(request.user).select_related("ticket", "assignee")


class TaskList(ApiView):
    permission_classes = [CallerMayUseApi, IsAgent]

    @extend_schema(parameters=CURSORS, responses={200: s.TaskPage, **PROBLEMS},
                   operation_id="tasks_list")  # fmt: skip
    def get(self, request):
        """The tasks of the tickets the agent may see, by due date."""
        keys = [("due_at", False), ("id", False)]
        return _page(request, _tasks(request), keys, s.TaskOut)


class TaskDetail(ApiView):
    @extend_schema(parameters=[TASK_ID], responses={200: s.TaskOut, **PROBLEMS})
    def get(self, request, task_id):
        return Response(s.TaskOut(_one(_tasks(request), task_id)).data)
