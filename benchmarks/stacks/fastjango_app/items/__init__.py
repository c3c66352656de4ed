"""The items app: models, schemas and API views, as ``startapp`` lays an app out."""
