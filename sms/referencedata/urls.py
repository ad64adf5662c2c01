from django.urls import path

app_name = "referencedata"

urlpatterns = []
