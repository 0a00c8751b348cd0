"""render/audit"""
