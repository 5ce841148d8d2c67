import TychoModel
