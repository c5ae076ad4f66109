from django.http import JsonResponse
from django.shortcuts import render


def home(request):
    return render(request, "portal/home.html")


def openapi_document(request):
    return JsonResponse({"openapi": "3.0.3", "info": {"title": "CallbackNow Open API", "version": "1"}, "paths": {}})
