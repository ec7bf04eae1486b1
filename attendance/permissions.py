"""The one gate for attendances (S1): an agent sees the ones they took; administrators all."""

from django.http import Http404

from accounts.models import User

from .models import Attendance


def attendances_for(user: User):
    if not user.is_authenticated:
        return Attendance.objects.none()
    if not user.is_active:
        return Attendance.objects.none()
    if not user.is_agent:
        return Attendance.objects.none()
    if user.is_administrator:
        return Attendance.objects.all()
    return Attendance.objects.filter(agent=user)


def get_attendance_for(user: User, attendance_id: int) -> Attendance:
    """The attendance if `user` may see it; 404 otherwise."""
    attendance = (
        attendances_for(user)
        .select_related("client__organization", "plan__department", "ticket", "script")
        .filter(id=attendance_id)
        .first()
    )
    if attendance is None:
        raise Http404
    return attendance
