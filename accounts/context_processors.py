def navigation(request):
    """The navigation role of the person looking at the page (SPEC §1)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        role = "visitor"
    elif user.is_administrator:
        role = "administrator"
    elif user.is_agent:
        role = "manager" if user.is_manager else "agent"
    else:
        role = "master" if user.is_master else "light"
    return {"nav_role": role}
