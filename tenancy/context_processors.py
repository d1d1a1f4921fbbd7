def tenancy(request):
    access = getattr(request, "access", None)
    if access is None:
        return {"access": None, "terms": {"child": "child", "children": "children"}}
    return {"access": access, "terms": access.terms}
