
app_name = "referencedata"

urlpatterns = []
